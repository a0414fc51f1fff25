package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.agent.TestPki;
import io.kdop.agent.identity.IdentityStore;
import io.kdop.agent.identity.Pem;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.engine.docker.HostSnapshot;
import io.kdop.proto.CaPin;
import io.kdop.proto.JoinToken;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent during a CA rotation of its hub: the TrustBundle the session sends, against a fake hub over real TLS. */
@Timeout(60)
class AgentRotationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SessionTimings TIMINGS =
            new SessionTimings(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(200));

    @TempDir
    Path stateDir;
    private FakeHub hub;
    private Agent agent;
    private CompletableFuture<Void> run;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stopAll() {
        if (agent != null) {
            agent.stop();
        }
        hub.close();
    }

    @Test
    void trustsBothCasOfARotationAndRenewsAtOnceWhenTheHubSignsWithTheNewOne() throws Exception {
        TestPki.Issued nextCa = TestPki.ca("fake-hub-ca-2");
        hub.renewalCa = nextCa;
        hub.trust = TrustBundle.newBuilder()
                .setCaBundlePem(Pem.certificates(List.of(nextCa.certificate(), hub.ca.certificate())))
                .setRenewCertificate(true)
                .build();
        startAgent();

        // the joined certificate is fresh: only the hub's word makes the agent ask
        await().atMost(WAIT).ignoreExceptions().until(() -> storedCertificate().getIssuerX500Principal()
                .equals(nextCa.certificate().getSubjectX500Principal()));
        StoredIdentity stored = stopAndLoad();
        assertThat(stored.caCertificates()).containsExactly(nextCa.certificate(), hub.ca.certificate());
        assertThat(received(AgentMessage.KindCase.RENEW_CERTIFICATE)).hasSize(1);
    }

    @Test
    void ignoresATrustBundleWithNoneOfItsCas() throws Exception {
        TestPki.Issued stranger = TestPki.ca("not-the-hub");
        hub.trust = TrustBundle.newBuilder().setCaBundlePem(Pem.certificates(List.of(stranger.certificate())))
                .setRenewCertificate(true).build();
        startAgent();
        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.HEARTBEAT).size() >= 2);

        assertThat(stopAndLoad().caCertificates()).containsExactly(hub.ca.certificate());
        assertThat(received(AgentMessage.KindCase.RENEW_CERTIFICATE)).as("nothing the agent trusts asked").isEmpty();
    }

    private void startAgent() {
        JoinToken token = JoinToken.generate(CaPin.of(hub.ca.certificate()), new SecureRandom());
        AgentConfig config = new AgentConfig(Optional.of(HubAddress.parse(hub.address())), Optional.of(token), stateDir,
                Duration.ofMillis(50), Duration.ofMillis(400), "test-version");
        HostSnapshot snapshot = new HostSnapshot(HostFacts.newBuilder().setHostname("edge-box").build(), List.of());
        agent = new Agent(config, () -> snapshot, TIMINGS, Clock.systemUTC(), new Random(1));
        run = CompletableFuture.runAsync(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    /** The stored identity once the agent stopped ({@link IdentityStore#load()} tidies the directory up). */
    private StoredIdentity stopAndLoad() throws Exception {
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
        return new IdentityStore(stateDir).load().orElseThrow();
    }

    /** The stored certificate, read while the agent may be saving a new one. */
    private X509Certificate storedCertificate() throws Exception {
        return Pem.parseCertificates(Files.readString(stateDir.resolve("identity/cert.pem"))).getFirst();
    }

    private List<AgentMessage> received(AgentMessage.KindCase kind) {
        return hub.received.stream().filter(m -> m.getKindCase() == kind).toList();
    }
}
