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
import io.kdop.proto.v1.TrustBundle;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
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
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
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
    private static final Context.Key<java.net.SocketAddress> REMOTE = Context.key("remote");

    final TestPki.Issued ca;
    final BlockingQueue<JoinRequest> joins = new LinkedBlockingQueue<>();
    final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    /** The client certificate serial of each Session call, in order. */
    final List<BigInteger> sessionSerials = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger unavailableSessions = new AtomicInteger();
    /** Joins the hub signs but whose answer is lost (UNAVAILABLE instead), as on a flaky link. */
    final AtomicInteger lostJoinResponses = new AtomicInteger();
    /** Sessions whose hello the hub never answers. */
    final AtomicInteger silentSessions = new AtomicInteger();
    /** Session calls the agent cancelled. */
    final AtomicInteger cancelledSessions = new AtomicInteger();
    /** Joins answered "busy, come back in 300 ms" (RESOURCE_EXHAUSTED with a RetryInfo) before one is taken. */
    final AtomicInteger busyJoins = new AtomicInteger();
    /** The client address of each Join call: calls over one connection share it. */
    final List<java.net.SocketAddress> joinPeers = new CopyOnWriteArrayList<>();
    /** System.nanoTime() of each Join call. */
    final List<Long> joinTimes = new CopyOnWriteArrayList<>();
    volatile StatusRuntimeException joinRefusal;
    volatile StatusRuntimeException sessionRefusal;
    /** The validity of the certificate issued at join; renewed ones get 24 hours. */
    volatile Duration joinedCertAge = Duration.ZERO;
    /** When set, the join response's CA bundle instead of the hub's CA. */
    volatile String joinCaBundle;
    /** When set, renewals are signed by this CA and come with it as the bundle. */
    volatile TestPki.Issued renewalCa;
    /** When set, sent after the desired state of each session, and as the bundle of renewals. */
    volatile TrustBundle trust;
    /** The snapshot sent after each welcome. */
    volatile DesiredState desiredState = STATE;

    private final Server server;
    private final List<StreamObserver<HubMessage>> sessions = new CopyOnWriteArrayList<>();

    FakeHub(String... serverSans) throws Exception {
        this(TestPki.ca("fake-hub-ca"), serverSans);
    }

    private FakeHub(TestPki.Issued ca, String... serverSans) throws Exception {
        this(ca, TestPki.server(ca, serverSans.length == 0 ? new String[] {"localhost", "127.0.0.1"} : serverSans));
    }

    /** A hub whose chain holds its CA but whose server certificate another CA signed. */
    static FakeHub withServerCertificateOfAnotherCa() throws Exception {
        TestPki.Issued other = TestPki.ca("not-the-hub-ca");
        return new FakeHub(TestPki.ca("fake-hub-ca"), TestPki.server(other, "localhost", "127.0.0.1"));
    }

    private FakeHub(TestPki.Issued ca, TestPki.Issued serverCert) throws Exception {
        this.ca = ca;
        TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.newBuilder()
                // a key manager of our own: a key store would refuse the forged chain of withServerCertificateOfAnotherCa
                .keyManager(new FixedKeyManager(serverCert.keyPair().getPrivate(),
                        new X509Certificate[] {serverCert.certificate(), ca.certificate()}))
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

    private static X509Certificate sign(TestPki.Issued signer, byte[] csrDer, Instant notBefore, Instant notAfter)
            throws Exception {
        return TestPki.client(signer, csrKey(csrDer), "urn:kdop:dockerhost:edge:edge-1:uid-1", notBefore, notAfter);
    }

    /** The public key of a CSR, after checking its signature. */
    static PublicKey csrKey(byte[] csrDer) throws Exception {
        JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(csrDer);
        PublicKey key = csr.getPublicKey();
        if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
            throw new IllegalArgumentException("bad CSR signature");
        }
        return key;
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private final class Service extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void join(JoinRequest request, StreamObserver<JoinResponse> response) {
            joins.add(request);
            joinPeers.add(REMOTE.get());
            joinTimes.add(System.nanoTime());
            if (busyJoins.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                response.onError(io.kdop.proto.Refusals.busy("the hub is busy", Duration.ofMillis(300)));
                return;
            }
            if (joinRefusal != null) {
                response.onError(joinRefusal);
                return;
            }
            try {
                Instant now = Instant.now();
                Instant notBefore = now.minus(joinedCertAge).minusSeconds(60);
                X509Certificate cert = sign(ca, request.getCsrDer().toByteArray(), notBefore, now.plus(Duration.ofHours(1)));
                if (lostJoinResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    response.onError(Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException());
                    return;
                }
                String bundle = joinCaBundle;
                response.onNext(JoinResponse.newBuilder()
                        .setCertificatePem(Pem.certificates(List.of(cert)))
                        .setCaBundlePem(bundle != null ? bundle : Pem.certificates(List.of(ca.certificate())))
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
                    if (Status.fromThrowable(t).getCode() == Status.Code.CANCELLED) {
                        cancelledSessions.incrementAndGet();
                    }
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
                    } else if (silentSessions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        // says nothing: a hub stuck behind something else
                    } else {
                        out.onNext(HubMessage.newBuilder().setWelcome(HubWelcome.newBuilder()
                                .setHost(HOST).setHubVersion("fake").setHeartbeatIntervalSeconds(1)).build());
                        out.onNext(HubMessage.newBuilder().setDesiredState(desiredState).build());
                        if (trust != null) {
                            out.onNext(HubMessage.newBuilder().setTrust(trust).build());
                        }
                    }
                }
                case RENEW_CERTIFICATE -> {
                    Instant now = Instant.now();
                    TestPki.Issued signer = renewalCa != null ? renewalCa : ca;
                    X509Certificate cert = sign(signer, message.getRenewCertificate().getCsrDer().toByteArray(),
                            now.minusSeconds(60), now.plus(Duration.ofHours(24)));
                    out.onNext(HubMessage.newBuilder().setCertificate(CertificateIssued.newBuilder()
                            .setCertificatePem(Pem.certificates(List.of(cert)))
                            .setCaBundlePem(trust != null ? trust.getCaBundlePem()
                                    : Pem.certificates(List.of(signer.certificate())))).build());
                }
                default -> { }
            }
        }
    }

    /** Presents one key and chain, whatever the chain says. */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "hub";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return keyType.startsWith(key.getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keyType.startsWith(key.getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keyType.startsWith(key.getAlgorithm()) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
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
            return Contexts.interceptCall(Context.current().withValue(PEER, peer)
                    .withValue(REMOTE, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)), call, headers, next);
        }
    }
}
