package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.hub.testing.SettableClock;
import io.kdop.proto.v1.Ack;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.Heartbeat;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.WorkloadRef;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions and the registry, without a network or an API server: the races and orderings that matter. */
class AgentSessionTest {

    private static final AgentIdentity EDGE_A = new AgentIdentity("edge", "edge-1", "uid-1", "gen00001");
    private static final AgentIdentity EDGE_A_REJOINED = new AgentIdentity("edge", "edge-1", "uid-1", "gen00002");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, RegisteredHost> hosts = new ConcurrentHashMap<>();
    /** What the DockerHost controller is told: every change of a host's connection, in order. */
    private final List<AgentIdentity> changes = new CopyOnWriteArrayList<>();
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final SessionRegistry registry = new SessionRegistry(clock, HEARTBEAT.multipliedBy(2), changes::add);
    private final DesiredStateBook book = new DesiredStateBook();
    private final WorkloadReports reports = new WorkloadReports(
            (host, uid) -> Optional.of(WorkloadRef.newBuilder().setUid(uid).build()), ref -> { });
    private Duration helloDeadline = Duration.ofSeconds(30);
    private final CertificateAuthority ca = CertificateAuthority.create("test", Duration.ofDays(1), new SecureRandom());

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aHelloIsAnsweredWithAWelcomeThenTheDesiredState() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream stream = new RecordingStream();
        AgentSession session = session(EDGE_A, stream);

        session.onNext(hello(EDGE_A, 0));

        assertThat(stream.sent).extracting(HubMessage::getKindCase)
                .containsExactly(HubMessage.KindCase.WELCOME, HubMessage.KindCase.DESIRED_STATE,
                        HubMessage.KindCase.TRUST);
        assertThat(registry.liveSession("edge/edge-1")).contains(session);
        assertThat(changes).as("the controller hears of the new session").containsExactly(EDGE_A);
    }

    @Test
    void aHelloClaimingAnotherHostIsRefused() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream stream = new RecordingStream();
        AgentIdentity other = new AgentIdentity("edge", "edge-2", "uid-2", "gen00009");

        session(EDGE_A, stream).onNext(hello(other, 0));

        assertThat(stream.closedWith()).contains(ErrorReason.IDENTITY_MISMATCH);
        assertThat(registry.liveSession("edge/edge-1")).isEmpty();
        assertThat(changes).as("a refused hello changes no host's connection").isEmpty();
    }

    @Test
    void anAgentOfAnEarlierJoinIsRefused() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00002"));
        RecordingStream stream = new RecordingStream();

        session(EDGE_A, stream).onNext(hello(EDGE_A, 0));

        assertThat(stream.closedWith()).contains(ErrorReason.HOST_REVOKED);
        assertThat(changes).isEmpty();
    }

    @Test
    void aHostDeletedBetweenTheHelloCheckAndRegistrationNeverGetsALiveSession() {
        // the API said the host exists, but its deletion was processed before the session registered
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        registry.revoke("edge/edge-1", "uid-1", "deleted");
        RecordingStream stream = new RecordingStream();

        session(EDGE_A, stream).onNext(hello(EDGE_A, 0));

        assertThat(stream.closedWith()).contains(ErrorReason.HOST_REVOKED);
        assertThat(registry.liveSession("edge/edge-1")).isEmpty();
        assertThat(changes).as("no status may say Connected for a deleted host").isEmpty();
    }

    @Test
    void revokingAHostClosesItsLiveSession() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream stream = new RecordingStream();
        session(EDGE_A, stream).onNext(hello(EDGE_A, 0));

        registry.revoke("edge/edge-1", "uid-1", "deleted");

        assertThat(stream.closedWith()).contains(ErrorReason.HOST_REVOKED);
        assertThat(registry.view("edge/edge-1")).isEmpty();
        // the host is gone: its status is not written again after the session opened
        assertThat(changes).containsExactly(EDGE_A);
    }

    @Test
    void aNewJoinSupersedesTheOldAgentEvenIfItsHelloWasAlreadyApproved() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream old = new RecordingStream();
        session(EDGE_A, old).onNext(hello(EDGE_A, 0));

        registry.superseded(EDGE_A_REJOINED);

        assertThat(old.closedWith()).contains(ErrorReason.HOST_REVOKED);
        // the old agent's reconnect, approved by a stale read of the host, is still refused
        RecordingStream retry = new RecordingStream();
        session(EDGE_A, retry).onNext(hello(EDGE_A, 0));
        assertThat(retry.closedWith()).contains(ErrorReason.HOST_REVOKED);
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00002"));
        RecordingStream fresh = new RecordingStream();
        session(EDGE_A_REJOINED, fresh).onNext(hello(EDGE_A_REJOINED, 0));
        assertThat(fresh.error).isNull();
        assertThat(changes).as("the old session, then the new agent's; never the refused retry")
                .containsExactly(EDGE_A, EDGE_A_REJOINED);
    }

    @Test
    void aSecondSessionOfTheSameHostReplacesTheFirstOnceTheFirstWentSilent() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream first = new RecordingStream();
        session(EDGE_A, first).onNext(hello(EDGE_A, 0));
        // the agent's link changed: its old connection is half-open and says nothing any more
        clock.advance(HEARTBEAT.multipliedBy(2).plusSeconds(1));
        RecordingStream second = new RecordingStream();
        AgentSession newer = session(EDGE_A, second);

        newer.onNext(hello(EDGE_A, 0));

        assertThat(first.closedWith()).contains(ErrorReason.SESSION_REPLACED);
        assertThat(second.error).isNull();
        assertThat(registry.liveSession("edge/edge-1")).contains(newer);
        // the replaced session's end is not a disconnect: the host stays connected throughout
        assertThat(changes).containsExactly(EDGE_A, EDGE_A);
        assertThat(registry.view("edge/edge-1").orElseThrow().live()).isTrue();
    }

    @Test
    void aSecondAgentWithTheSameIdentityIsRefusedWhileTheFirstIsHeardFrom() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream holder = new RecordingStream();
        AgentSession holding = session(EDGE_A, holder);
        holding.onNext(hello(EDGE_A, 0));

        // a copied state directory: the twin keeps trying while the holder keeps its heartbeats
        for (int attempt = 0; attempt < 5; attempt++) {
            clock.advance(HEARTBEAT);
            holding.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
            RecordingStream twin = new RecordingStream();
            session(EDGE_A, twin).onNext(hello(EDGE_A, 0));
            assertThat(twin.closedWith()).as("attempt %d", attempt).contains(ErrorReason.IDENTITY_IN_USE);
            assertThat(twin.error.getMessage()).contains("another agent with this identity");
        }

        assertThat(holder.error).isNull();
        assertThat(registry.liveSession("edge/edge-1")).contains(holding);
    }

    @Test
    void aSilentSessionIsClosedWhenItsCertificateExpires() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream stream = new RecordingStream();
        new AgentSession(EDGE_A, clock.instant().plusMillis(300), certificate(), stream, services()).onNext(hello(EDGE_A, 0));
        assertThat(stream.error).isNull();

        // no message arrives: only the session's own timer can end it
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.error != null);
        assertThat(stream.closedWith()).contains(ErrorReason.CERTIFICATE_REQUIRED);
        assertThat(registry.liveSession("edge/edge-1")).isEmpty();
    }

    @Test
    void anOlderSnapshotPushedLateIsNeverSent() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream stream = new RecordingStream();
        AgentSession session = session(EDGE_A, stream);
        session.onNext(hello(EDGE_A, 0));

        session.push(DesiredState.newBuilder().setRevision(5).build());
        session.push(DesiredState.newBuilder().setRevision(4).build());

        assertThat(stream.sent).filteredOn(HubMessage::hasDesiredState)
                .extracting(m -> m.getDesiredState().getRevision()).containsExactly(1L, 5L);
        assertThat(changes).as("pushing changes nothing about the connection").containsExactly(EDGE_A);
    }

    @Test
    void aFailedAckIsNotRecordedAsApplied() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        AgentSession session = session(EDGE_A, new RecordingStream());
        session.onNext(hello(EDGE_A, 0));

        session.onNext(AgentMessage.newBuilder().setAck(Ack.newBuilder().setRevision(1).setError("disk full")).build());
        assertThat(registry.view("edge/edge-1").orElseThrow().appliedRevision()).isZero();
        assertThat(changes).as("opened, then heard from (last seen moves on)").containsExactly(EDGE_A, EDGE_A);

        session.onNext(AgentMessage.newBuilder().setAck(Ack.newBuilder().setRevision(1)).build());
        assertThat(registry.view("edge/edge-1").orElseThrow().appliedRevision()).isEqualTo(1);
        assertThat(changes).as("the applied revision goes to status").containsExactly(EDGE_A, EDGE_A, EDGE_A);
    }

    @Test
    void anAgentThatHangsUpIsAnnouncedAsDisconnected() {
        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        AgentSession session = session(EDGE_A, new RecordingStream());
        session.onNext(hello(EDGE_A, 0));

        session.onCompleted();

        assertThat(registry.liveSession("edge/edge-1")).isEmpty();
        assertThat(registry.view("edge/edge-1").orElseThrow().live()).isFalse();
        assertThat(changes).as("opened, then closed: the controller writes Disconnected")
                .containsExactly(EDGE_A, EDGE_A);
    }

    @Test
    void aPeerThatNeverSaysHelloIsDropped() {
        helloDeadline = Duration.ofMillis(100);
        RecordingStream stream = new RecordingStream();
        session(EDGE_A, stream);

        await().atMost(Duration.ofSeconds(5)).until(() -> stream.error != null);
        assertThat(stream.closedWith()).contains(ErrorReason.PROTOCOL_VIOLATION);
        assertThat(changes).isEmpty();
    }

    @Test
    void messagesBeforeTheHelloOrAfterTheCertificateExpiredEndTheSession() {
        RecordingStream noHello = new RecordingStream();
        session(EDGE_A, noHello).onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
        assertThat(noHello.closedWith()).contains(ErrorReason.PROTOCOL_VIOLATION);

        hosts.put("edge/edge-1", new RegisteredHost("uid-1", "gen00001"));
        RecordingStream expired = new RecordingStream();
        new AgentSession(EDGE_A, clock.instant().minusSeconds(1), certificate(), expired, services())
                .onNext(hello(EDGE_A, 0));
        // the expiry timer (due at once) or the hello closes it, whichever runs first: wait for the close
        await().atMost(Duration.ofSeconds(5)).until(() -> expired.error != null);
        assertThat(expired.closedWith()).contains(ErrorReason.CERTIFICATE_REQUIRED);
        assertThat(changes).isEmpty();
    }

    private AgentSession session(AgentIdentity identity, RecordingStream stream) {
        return new AgentSession(identity, clock.instant().plusSeconds(3600), certificate(), stream, services());
    }

    /** A certificate of the hub's CA (which one hardly matters to a session, only its CA). */
    private X509Certificate certificate() {
        return ca.issueServerCertificate(List.of("localhost"), Duration.ofHours(1)).certificate();
    }

    private SessionServices services() {
        HostDirectory directory = new HostDirectory() {
            @Override
            public Optional<RegisteredHost> find(String namespace, String name) {
                return Optional.ofNullable(hosts.get(namespace + "/" + name));
            }

            @Override
            public void recordGeneration(AgentIdentity identity) {
                hosts.put(identity.hostKey(), new RegisteredHost(identity.uid(), identity.generation()));
            }
        };
        AgentCertificates certificates = new AgentCertificates(ca, Duration.ofHours(1));
        return new SessionServices(registry, directory, book, reports, certificates,
                new RenewalLimiter(Duration.ofMinutes(15), clock), HEARTBEAT, helloDeadline, "test", scheduler, clock);
    }

    private static AgentMessage hello(AgentIdentity identity, long appliedRevision) {
        return AgentMessage.newBuilder().setHello(AgentHello.newBuilder()
                .setHost(HostIdentity.newBuilder().setNamespace(identity.namespace()).setName(identity.name())
                        .setUid(identity.uid()))
                .setAgentVersion("test")
                .setAppliedRevision(appliedRevision))
                .build();
    }
}
