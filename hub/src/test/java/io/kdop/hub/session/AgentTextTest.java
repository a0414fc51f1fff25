package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.controller.HostStatusRules;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.proto.v1.Ack;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.Heartbeat;
import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.HostIdentity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Whatever text an agent sends reaches the DockerHost status and the hub's log bounded and on one line. */
class AgentTextTest {

    private static final AgentIdentity EDGE = new AgentIdentity("edge", "edge-1", "uid-1", "gen00001");
    /** A megabyte, then what would read as a second log entry. */
    private static final String FORGED = "x".repeat(1 << 20) + "\n2026-12-02 10:00:00.000 INFO  [main] forged entry";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SessionRegistry registry = new SessionRegistry(Clock.systemUTC(), Duration.ofSeconds(20), identity -> { });
    private final Logger log = (Logger) LoggerFactory.getLogger(AgentSession.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void captureLog() {
        levelBefore = log.getLevel();
        log.setLevel(Level.INFO);
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void stop() {
        log.detachAppender(logged);
        log.setLevel(levelBefore);
        scheduler.shutdownNow();
    }

    @Test
    void aHugeMultiLineVersionBecomesBoundedOneLineStatusAndLogText() {
        AgentSession session = session();
        session.onNext(AgentMessage.newBuilder().setHello(AgentHello.newBuilder()
                .setHost(HostIdentity.newBuilder().setNamespace("edge").setName("edge-1").setUid("uid-1"))
                .setAgentVersion(FORGED)
                .setFacts(HostFacts.newBuilder().setDockerVersion(FORGED).setOs(FORGED).setArch(FORGED)
                        .setOperatingSystem(FORGED).setKernelVersion(FORGED)))
                .build());

        DockerHostStatus status = status();
        assertThat(status.getPhase()).isEqualTo("Connected");
        for (String field : new String[] {status.getAgentVersion(), status.getDockerVersion(), status.getOs(),
                status.getArch(), status.getOperatingSystem(), status.getKernelVersion()}) {
            assertThat(field).hasSize(PeerText.FIELD_MAX + 1).doesNotContain("\n");
        }
        assertThat(status.getPlatform()).doesNotContain("\n");
        assertThat(readyMessage(status)).as("a few bounded fields").doesNotContain("\n")
                .hasSizeLessThan(5 * PeerText.FIELD_MAX);
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("session opened"));
        assertOneBoundedLineEach();
    }

    @Test
    void aDockerErrorAndAnAckErrorAreBoundedOneLineStatusAndLogText() {
        AgentSession session = session();
        session.onNext(AgentMessage.newBuilder().setHello(AgentHello.newBuilder()
                .setHost(HostIdentity.newBuilder().setNamespace("edge").setName("edge-1").setUid("uid-1"))
                .setAgentVersion("0.1.0"))
                .build());
        session.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setFacts(HostFacts.newBuilder().setDockerError(FORGED))).build());
        session.onNext(AgentMessage.newBuilder().setAck(Ack.newBuilder().setRevision(1)
                .setError("disk full\n2026-12-02 10:00:00.000 INFO  [main] forged entry")).build());

        String message = readyMessage(status());
        assertThat(message).contains("connected, but xxx").doesNotContain("\n").hasSizeLessThan(2 * PeerText.FIELD_MAX);
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .endsWith("could not apply revision 1: disk full?2026-12-02 10:00:00.000 INFO  [main] forged entry"));
        assertOneBoundedLineEach();
    }

    private void assertOneBoundedLineEach() {
        assertThat(logged.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("\n").hasSizeLessThan(4 * PeerText.LOG_MAX));
    }

    private DockerHostStatus status() {
        Instant now = Instant.now();
        return HostStatusRules.apply(new DockerHostStatus(), "edge-1", 1, registry.view(EDGE.hostKey()),
                Optional.of(1L), new HostStatusRules.Timing(Duration.ofSeconds(40), now.minusSeconds(60)), now)
                .status();
    }

    private static String readyMessage(DockerHostStatus status) {
        return Conditions.find(status.getConditions(), "Ready").orElseThrow().getMessage();
    }

    private AgentSession session() {
        HostDirectory directory = new HostDirectory() {
            @Override
            public Optional<RegisteredHost> find(String namespace, String name) {
                return Optional.of(new RegisteredHost("uid-1", "gen00001"));
            }

            @Override
            public void recordGeneration(AgentIdentity identity) {}
        };
        CertificateAuthority ca = CertificateAuthority.create("test", Duration.ofDays(1), new SecureRandom());
        AgentCertificates certificates = new AgentCertificates(new io.kdop.hub.pki.HubCas(io.kdop.hub.pki.CaSet.of(ca)), Duration.ofHours(1));
        SessionServices services = new SessionServices(registry, directory, new DesiredStateBook(),
                new WorkloadReports((host, uid) -> Optional.empty(), ref -> { }), certificates,
                new RenewalLimiter(Duration.ofMinutes(15), Clock.systemUTC()), Duration.ofSeconds(10),
                Duration.ofSeconds(30), "test", scheduler, Clock.systemUTC());
        return new AgentSession(EDGE, Instant.now().plusSeconds(3600),
                ca.issueServerCertificate(List.of("localhost"), Duration.ofHours(1)).certificate(), new RecordingStream(),
                services);
    }
}
