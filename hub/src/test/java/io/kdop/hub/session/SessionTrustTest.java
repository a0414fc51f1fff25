package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CaSet;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.HubCas;
import io.kdop.hub.pki.Pem;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.RenewCertificate;
import io.kdop.proto.v1.TrustBundle;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a session tells its agent about the hub's CAs through a rotation, and how it ends when its CA is retired. */
class SessionTrustTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AgentIdentity EDGE = new AgentIdentity("edge", "edge-1", "uid-1", "gen00001");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, RegisteredHost> hosts = new ConcurrentHashMap<>(
            Map.of("edge/edge-1", new RegisteredHost("uid-1", "gen00001")));
    private final SessionRegistry registry = new SessionRegistry(Clock.systemUTC(), Duration.ofSeconds(20), identity -> { });
    private final CertificateAuthority old = CertificateAuthority.create("kdop-hub-ca", Duration.ofDays(1), RANDOM);
    private final CertificateAuthority next = CertificateAuthority.create("kdop-hub-ca-2", Duration.ofDays(1), RANDOM);
    private final HubCas cas = new HubCas(CaSet.of(old));

    SessionTrustTest() {
        // as the hub wires it
        cas.onChange(changed -> registry.liveSessions().forEach(session -> session.sendTrust(changed)));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void theAgentIsToldBothCasDuringTheRotationToRenewAtThePromoteAndTheSessionEndsAtTheRetire() {
        RecordingStream stream = new RecordingStream();
        AgentSession session = new AgentSession(EDGE, Instant.now().plusSeconds(3600), certificateOf(old), stream,
                services());
        session.onNext(hello());
        assertThat(lastTrust(stream)).isEqualTo(trust(false, old));

        cas.update(cas.get().add(next));
        assertThat(lastTrust(stream)).as("added").isEqualTo(trust(false, old, next));

        cas.update(cas.get().promote());
        assertThat(lastTrust(stream)).as("promoted: renew now").isEqualTo(trust(true, next, old));

        cas.update(cas.get().retire());
        assertThat(stream.closedWith()).as("reconnect with the renewed certificate; retried, not fatal")
                .contains(ErrorReason.CERTIFICATE_REQUIRED);
        assertThat(registry.liveSession("edge/edge-1")).isEmpty();
    }

    @Test
    void nothingButTheWelcomeComesBeforeTheHello() {
        RecordingStream stream = new RecordingStream();
        new AgentSession(EDGE, Instant.now().plusSeconds(3600), certificateOf(old), stream, services())
                .sendTrust(cas.get());
        assertThat(stream.sent).isEmpty();
    }

    @Test
    void aRenewalTheRotationAsksForIsAnsweredEvenRightAfterAnother() throws Exception {
        RecordingStream stream = new RecordingStream();
        AgentSession session = new AgentSession(EDGE, Instant.now().plusSeconds(3600), certificateOf(old), stream,
                services());
        session.onNext(hello());
        session.onNext(renewal());
        session.onNext(renewal());
        assertThat(issued(stream)).as("the second one comes too soon").hasSize(1);

        cas.update(cas.get().add(next).promote());
        session.onNext(renewal());

        assertThat(issued(stream)).hasSize(2);
        issued(stream).get(1).verify(next.certificate().getPublicKey());
    }

    private SessionServices services() {
        HostDirectory directory = new HostDirectory() {
            @Override
            public Optional<RegisteredHost> find(String namespace, String name) {
                return Optional.ofNullable(hosts.get(namespace + "/" + name));
            }

            @Override
            public void recordGeneration(AgentIdentity identity) {}
        };
        return new SessionServices(registry, directory, new DesiredStateBook(),
                new WorkloadReports((host, uid) -> Optional.empty(), ref -> { }), new AgentCertificates(cas, Duration.ofHours(1)),
                new RenewalLimiter(Duration.ofMinutes(15), Clock.systemUTC()), Duration.ofSeconds(10), Duration.ofSeconds(30), "test", scheduler, Clock.systemUTC());
    }

    private static X509Certificate certificateOf(CertificateAuthority ca) {
        return ca.issueServerCertificate(List.of("localhost"), Duration.ofHours(1)).certificate();
    }

    private static AgentMessage hello() {
        return AgentMessage.newBuilder().setHello(AgentHello.newBuilder().setHost(EDGE.toProto())).build();
    }

    private static AgentMessage renewal() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        return AgentMessage.newBuilder().setRenewCertificate(RenewCertificate.newBuilder()
                .setCsrDer(ByteString.copyFrom(csr))).build();
    }

    private static List<X509Certificate> issued(RecordingStream stream) {
        return stream.sent.stream().filter(HubMessage::hasCertificate)
                .map(m -> Pem.certificate(m.getCertificate().getCertificatePem())).toList();
    }

    private static TrustBundle lastTrust(RecordingStream stream) {
        return stream.sent.stream().filter(HubMessage::hasTrust).reduce((a, b) -> b).orElseThrow().getTrust();
    }

    private static TrustBundle trust(boolean renew, CertificateAuthority... inOrder) {
        StringBuilder pem = new StringBuilder();
        for (CertificateAuthority ca : inOrder) {
            pem.append(ca.certificatePem());
        }
        return TrustBundle.newBuilder().setCaBundlePem(pem.toString()).setRenewCertificate(renew).build();
    }
}
