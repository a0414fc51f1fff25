package io.kdop.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real TLS handshakes against a port serving {@link ServingTls}, with clients built as the agent
 * builds them: new handshakes see the material of each rotation step, without a new server.
 */
class ServingTlsHandshakeTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Context.Key<String> PEER_ISSUER = Context.key("peer-issuer");

    private final CertificateAuthority old = CertificateAuthority.create("kdop-hub-ca", Duration.ofDays(30), RANDOM);
    private final CertificateAuthority next = CertificateAuthority.create("kdop-hub-ca-2", Duration.ofDays(30), RANDOM);
    private final ServingTls tls = new ServingTls(List.of("localhost"), Duration.ofDays(365));
    private Server server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void eachStepOfARotationReachesNewHandshakesWhileThePortStaysOpen() throws Exception {
        CaSet cas = CaSet.of(old);
        tls.apply(cas, Instant.now());
        start();
        assertThat(call(agentOf(old), old)).isEqualTo(old.certificate().getSubjectX500Principal().getName());

        cas = cas.add(next);
        tls.apply(cas, Instant.now());
        // the port opened naming (at most) the old CA; a client with a certificate of the next one still sends it
        assertThat(call(agentOf(next), old, next)).isEqualTo(next.certificate().getSubjectX500Principal().getName());

        cas = cas.promote();
        tls.apply(cas, Instant.now());
        assertThat(call(agentOf(next), next)).as("the reissued serving certificate, of the new CA")
                .isEqualTo(next.certificate().getSubjectX500Principal().getName());
        assertThatThrownBy(() -> call(agentOf(old), old)).as("an agent never told the new CA")
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        cas = cas.retire();
        tls.apply(cas, Instant.now());
        assertThat(call(agentOf(old), next, old)).as("retired: still completes the handshake, to be refused by calls")
                .isEqualTo(old.certificate().getSubjectX500Principal().getName());
        CertificateAuthority stranger = CertificateAuthority.create("stranger", Duration.ofDays(1), RANDOM);
        assertThatThrownBy(() -> call(agentOf(stranger), next))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    private void start() throws Exception {
        TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.newBuilder()
                .keyManager(tls.keyManager())
                .trustManager(tls.trustManager())
                .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                .build();
        server = Grpc.newServerBuilderForPort(0, credentials)
                .addService(ServerInterceptors.intercept(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void join(JoinRequest request, StreamObserver<JoinResponse> responses) {
                        responses.onNext(JoinResponse.newBuilder().setCertificatePem(PEER_ISSUER.get()).build());
                        responses.onCompleted();
                    }
                }, new PeerIssuer()))
                .build()
                .start();
    }

    /** One call on a new channel; answers the issuer of the client certificate the server saw. */
    private String call(AgentCertificate agent, CertificateAuthority... trusted) throws Exception {
        StringBuilder roots = new StringBuilder();
        for (CertificateAuthority ca : trusted) {
            roots.append(ca.certificatePem());
        }
        // as the agent's TlsCredentials.forSession: the JDK's default key manager over a key store
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("agent", agent.key().getPrivate(), password, new Certificate[] {agent.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.getPort(),
                TlsChannelCredentials.newBuilder()
                        .keyManager(keys.getKeyManagers())
                        .trustManager(new ByteArrayInputStream(roots.toString().getBytes(StandardCharsets.US_ASCII)))
                        .build()).build();
        try {
            return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .join(JoinRequest.getDefaultInstance()).getCertificatePem();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private record AgentCertificate(KeyPair key, X509Certificate certificate) {}

    private static AgentCertificate agentOf(CertificateAuthority ca) throws Exception {
        KeyPair key = CertificateAuthority.newEcKeyPair(RANDOM);
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        return new AgentCertificate(key, ca.signAgentCertificate(csr,
                new AgentIdentity("edge", "edge-1", "uid-1", "gen00001"), Duration.ofHours(1)));
    }

    /** Puts the issuer of the client certificate (or "none") where the service reads it. */
    private static final class PeerIssuer implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            String issuer = "none";
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            try {
                if (session != null) {
                    issuer = ((X509Certificate) session.getPeerCertificates()[0]).getIssuerX500Principal().getName();
                }
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate
            }
            return Contexts.interceptCall(Context.current().withValue(PEER_ISSUER, issuer), call, headers, next);
        }
    }
}
