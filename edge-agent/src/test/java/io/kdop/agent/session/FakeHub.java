package io.kdop.agent.session;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kdop.agent.TestPki;
import io.kdop.agent.identity.Pem;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.CertificateIssued;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.HubWelcome;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A stand-in hub for the agent's tests: real TLS on 127.0.0.1, a test CA, the kdop.v1 service with
 * scripted answers, and a record of everything the agent sent.
 */
final class FakeHub implements AutoCloseable {

    static final HostIdentity HOST =
            HostIdentity.newBuilder().setNamespace("edge").setName("edge-1").setUid("uid-1").build();
    static final DesiredState STATE = DesiredState.newBuilder().setRevision(7).setDigest("sha256:d7").build();
    private static final Context.Key<X509Certificate> PEER = Context.key("peer");

    final TestPki.Issued ca;
    final BlockingQueue<JoinRequest> joins = new LinkedBlockingQueue<>();
    final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    /** The client certificate serial of each Session call, in order. */
    final List<BigInteger> sessionSerials = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger unavailableSessions = new AtomicInteger();
    volatile StatusRuntimeException joinRefusal;
    volatile StatusRuntimeException sessionRefusal;
    /** The validity of the certificate issued at join; renewed ones get 24 hours. */
    volatile Duration joinedCertAge = Duration.ZERO;

    private final Server server;
    private final List<StreamObserver<HubMessage>> sessions = new CopyOnWriteArrayList<>();

    FakeHub(String... serverSans) throws Exception {
        ca = TestPki.ca("fake-hub-ca");
        TestPki.Issued serverCert = TestPki.server(ca, serverSans.length == 0 ? new String[] {"localhost", "127.0.0.1"} : serverSans);
        TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.newBuilder()
                .keyManager(stream(Pem.certificates(List.of(serverCert.certificate(), ca.certificate()))),
                        stream(Pem.privateKey(serverCert.keyPair().getPrivate())))
                .trustManager(stream(Pem.certificates(List.of(ca.certificate()))))
                .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                .permitKeepAliveTime(30, TimeUnit.SECONDS)
                .addService(ServerInterceptors.intercept(new Service(), new PeerInterceptor()))
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** Ends every open session with UNAVAILABLE, as a hub restart would. */
    void dropSessions() {
        for (StreamObserver<HubMessage> out : sessions) {
            synchronized (out) {
                out.onError(Status.UNAVAILABLE.withDescription("hub restarting").asRuntimeException());
            }
        }
        sessions.clear();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private X509Certificate sign(byte[] csrDer, Instant notBefore, Instant notAfter) throws Exception {
        JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(csrDer);
        PublicKey key = csr.getPublicKey();
        if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
            throw new IllegalArgumentException("bad CSR signature");
        }
        return TestPki.client(ca, key, "urn:kdop:dockerhost:edge:edge-1:uid-1", notBefore, notAfter);
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private final class Service extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void join(JoinRequest request, StreamObserver<JoinResponse> response) {
            joins.add(request);
            if (joinRefusal != null) {
                response.onError(joinRefusal);
                return;
            }
            try {
                Instant now = Instant.now();
                Instant notBefore = now.minus(joinedCertAge).minusSeconds(60);
                X509Certificate cert = sign(request.getCsrDer().toByteArray(), notBefore, now.plus(Duration.ofHours(1)));
                response.onNext(JoinResponse.newBuilder()
                        .setCertificatePem(Pem.certificates(List.of(cert)))
                        .setCaBundlePem(Pem.certificates(List.of(ca.certificate())))
                        .setHost(HOST)
                        .build());
                response.onCompleted();
            } catch (Exception e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(e.toString()).asRuntimeException());
            }
        }

        @Override
        public StreamObserver<AgentMessage> session(StreamObserver<HubMessage> out) {
            X509Certificate peer = PEER.get();
            sessionSerials.add(peer == null ? BigInteger.ZERO : peer.getSerialNumber());
            sessions.add(out);
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentMessage message) {
                    received.add(message);
                    synchronized (out) {
                        try {
                            answer(message, out);
                        } catch (Exception e) {
                            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    sessions.remove(out);
                }

                @Override
                public void onCompleted() {
                    sessions.remove(out);
                    synchronized (out) {
                        out.onCompleted();
                    }
                }
            };
        }

        private void answer(AgentMessage message, StreamObserver<HubMessage> out) throws Exception {
            switch (message.getKindCase()) {
                case HELLO -> {
                    if (unavailableSessions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        out.onError(Status.UNAVAILABLE.withDescription("hub busy").asRuntimeException());
                    } else if (sessionRefusal != null) {
                        out.onError(sessionRefusal);
                    } else {
                        out.onNext(HubMessage.newBuilder().setWelcome(HubWelcome.newBuilder()
                                .setHost(HOST).setHubVersion("fake").setHeartbeatIntervalSeconds(1)).build());
                        out.onNext(HubMessage.newBuilder().setDesiredState(STATE).build());
                    }
                }
                case RENEW_CERTIFICATE -> {
                    Instant now = Instant.now();
                    X509Certificate cert = sign(message.getRenewCertificate().getCsrDer().toByteArray(),
                            now.minusSeconds(60), now.plus(Duration.ofHours(24)));
                    out.onNext(HubMessage.newBuilder().setCertificate(CertificateIssued.newBuilder()
                            .setCertificatePem(Pem.certificates(List.of(cert)))
                            .setCaBundlePem(Pem.certificates(List.of(ca.certificate())))).build());
                }
                default -> { }
            }
        }
    }

    /** Puts the client certificate (if any) where the service can read it, as the real hub does. */
    private final class PeerInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            calls.incrementAndGet();
            X509Certificate peer = null;
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            if (session != null) {
                try {
                    Certificate[] chain = session.getPeerCertificates();
                    peer = (X509Certificate) chain[0];
                } catch (SSLPeerUnverifiedException e) {
                    // Join comes without a client certificate
                }
            }
            return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
        }
    }
}
