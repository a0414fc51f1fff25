package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.kdop.agent.TestPki;
import io.kdop.agent.identity.IdentityStore;
import io.kdop.agent.identity.KeyAndCsr;
import io.kdop.agent.identity.Pem;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.store.DesiredStateStore;
import io.kdop.engine.docker.HostInspector;
import io.kdop.engine.docker.HostSnapshot;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.run.Workloads;
import io.kdop.engine.status.StatusBoard;
import io.kdop.proto.CaPin;
import io.kdop.proto.JoinToken;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.Ack;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a fake hub over real TLS: join, session, desired state, heartbeats, renewal, refusals. */
@Timeout(60) // a regression that retries forever fails instead of hanging the build
class AgentTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Short enough to keep the tests fast, long enough for a loaded two-core machine. */
    private static final SessionTimings TIMINGS =
            new SessionTimings(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(200));
    private static final HostSnapshot SNAPSHOT = new HostSnapshot(
            HostFacts.newBuilder().setDockerVersion("20.10.test").setOs("linux").setCpus(2).setHostname("edge-box").build(),
            List.of(ManagedContainers.of("c1", List.of("/web"), Map.of(ManagedContainers.WORKLOAD_NAME, "web"), "running")));

    @TempDir
    Path stateDir;
    private FakeHub hub;
    private final List<Agent> running = new ArrayList<>();

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stopAll() throws Exception {
        running.forEach(Agent::stop);
        hub.close();
    }

    private JoinToken token() {
        return JoinToken.generate(CaPin.of(hub.ca.certificate()), new SecureRandom());
    }

    private Agent agent(Optional<JoinToken> token, Optional<String> hubAddress) {
        return agent(token, hubAddress, () -> SNAPSHOT, TIMINGS);
    }

    private Agent agent(Optional<JoinToken> token, Optional<String> hubAddress, HostInspector inspector,
            SessionTimings timings) {
        AgentConfig config = new AgentConfig(hubAddress.map(HubAddress::parse), token, stateDir,
                Duration.ofMillis(50), Duration.ofMillis(400), "test-version");
        Agent agent = new Agent(config, inspector, timings, Clock.systemUTC(), new Random(1));
        running.add(agent);
        return agent;
    }

    private static CompletableFuture<Void> start(Agent agent) {
        return CompletableFuture.runAsync(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private List<AgentMessage> received(AgentMessage.KindCase kind) {
        return hub.received.stream().filter(m -> m.getKindCase() == kind).toList();
    }

    @Test
    void joinsThenHoldsASession() throws Exception {
        JoinToken token = token();
        Agent agent = agent(Optional.of(token), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(agent);

        var join = hub.joins.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(join).isNotNull();
        assertThat(join.getTokenId()).isEqualTo(token.tokenId());
        assertThat(join.getTokenSecret()).isEqualTo(token.secret());
        assertThat(join.getCsrDer().isEmpty()).isFalse();
        assertThat(join.getAgentVersion()).isEqualTo("test-version");

        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        StoredIdentity stored = new IdentityStore(stateDir).load().orElseThrow();
        assertThat(stored.host()).isEqualTo(FakeHub.HOST);
        assertThat(stored.tokenId()).isEqualTo(token.tokenId());
        assertThat(stored.hub()).isEqualTo(hub.address());
        assertThat(hub.sessionSerials).containsExactly(stored.certificate().getSerialNumber());

        var hello = received(AgentMessage.KindCase.HELLO).getFirst().getHello();
        assertThat(hello.getHost()).isEqualTo(FakeHub.HOST);
        assertThat(hello.getAgentVersion()).isEqualTo("test-version");
        assertThat(hello.getFacts().getDockerVersion()).isEqualTo("20.10.test");
        assertThat(hello.getInventoryList()).extracting(c -> c.getName()).containsExactly("web");
        assertThat(hello.getAppliedRevision()).isZero();

        var ack = received(AgentMessage.KindCase.ACK).getFirst().getAck();
        assertThat(ack.getRevision()).isEqualTo(7);
        assertThat(ack.getDigest()).isEqualTo("sha256:d7");
        assertThat(ack.getError()).isEmpty();
        assertThat(DesiredStateStore.open(stateDir, Clock.systemUTC()).current()).contains(FakeHub.STATE);

        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.HEARTBEAT).size() >= 2);
        assertThat(received(AgentMessage.KindCase.HEARTBEAT).getFirst().getHeartbeat().getFacts().getHostname())
                .isEqualTo("edge-box");
        assertThat(received(AgentMessage.KindCase.RENEW_CERTIFICATE)).as("a fresh certificate").isEmpty();

        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void reportsStatusAfterEachWelcomeAndOnEveryChange() throws Exception {
        StatusBoard board = new StatusBoard();
        AtomicInteger desiredChanges = new AtomicInteger();
        List<HostIdentity> startedFor = new CopyOnWriteArrayList<>();
        Workloads.Starter workloads = (host, desired) -> {
            startedFor.add(host);
            return new Workloads() {
                @Override
                public void desiredStateChanged() {
                    desiredChanges.incrementAndGet();
                }

                @Override
                public StatusBoard status() {
                    return board;
                }

                @Override
                public void close() {}
            };
        };
        StatusReport first = report("Pending");
        board.publish(first); // before any session: sent right after the welcome
        AgentConfig config = new AgentConfig(Optional.of(HubAddress.parse(hub.address())), Optional.of(token()), stateDir,
                Duration.ofMillis(50), Duration.ofMillis(400), "test-version");
        Agent agent = new Agent(config, () -> SNAPSHOT, TIMINGS, Clock.systemUTC(), new Random(1), workloads);
        running.add(agent);
        CompletableFuture<Void> run = start(agent);

        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.STATUS).size() == 1);
        assertThat(received(AgentMessage.KindCase.STATUS).getFirst().getStatus()).isEqualTo(first);
        assertThat(startedFor).containsExactly(FakeHub.HOST);
        await().atMost(WAIT).until(() -> desiredChanges.get() == 1); // the snapshot after the welcome was persisted

        StatusReport second = report("Running");
        board.publish(second);
        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.STATUS).size() == 2);
        assertThat(received(AgentMessage.KindCase.STATUS).get(1).getStatus()).isEqualTo(second);
        board.publish(second);
        int heartbeats = received(AgentMessage.KindCase.HEARTBEAT).size();
        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.HEARTBEAT).size() > heartbeats);
        assertThat(received(AgentMessage.KindCase.STATUS)).as("an unchanged report is not sent again").hasSize(2);

        // a new session sends the full report again, right after its welcome
        hub.dropSessions();
        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.STATUS).size() == 3);
        assertThat(received(AgentMessage.KindCase.STATUS).get(2).getStatus()).isEqualTo(second);
        assertThat(desiredChanges).as("the same snapshot again is not a change").hasValue(1);

        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    private static StatusReport report(String phase) {
        return StatusReport.newBuilder().addWorkloads(WorkloadStatus.newBuilder()
                .setWorkload(WorkloadRef.newBuilder().setNamespace("shop").setName("web").setUid("u1"))
                .setPhase(phase)).build();
    }

    @Test
    void aBusyHubIsAskedAgainOverTheSameConnectionAfterTheDelayItNamed() throws Exception {
        hub.busyJoins.set(2);
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(agent);

        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        assertThat(hub.joins).hasSize(3);
        // a new connection would come from another port: the verified one carried every retry
        assertThat(hub.joinPeers).hasSize(3).doesNotContainNull();
        assertThat(java.util.Set.copyOf(hub.joinPeers)).hasSize(1);
        // the hub's 300 ms, not the agent's backoff (50 ms, then 100 ms at most)
        assertThat(Duration.ofNanos(hub.joinTimes.get(2) - hub.joinTimes.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        agent.stop();
        run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void restartsFromTheStoredIdentityWithoutJoiningAgain() throws Exception {
        JoinToken token = token();
        Agent first = agent(Optional.of(token), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(first);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        first.stop();
        run.get(10, TimeUnit.SECONDS);

        // no token, no --hub: the stored identity and address; then the same token again: still no join
        for (Optional<JoinToken> again : List.of(Optional.<JoinToken>empty(), Optional.of(token))) {
            hub.received.clear();
            Agent next = agent(again, Optional.empty());
            CompletableFuture<Void> nextRun = start(next);
            await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
            assertThat(received(AgentMessage.KindCase.HELLO).getFirst().getHello().getAppliedRevision()).isEqualTo(7);
            next.stop();
            nextRun.get(10, TimeUnit.SECONDS);
        }
        assertThat(hub.joins).hasSize(1);
    }

    @Test
    void neverSendsTheTokenWhenTheCaPinDoesNotMatch() throws Exception {
        TestPki.Issued otherCa = TestPki.ca("not-the-hub");
        JoinToken token = JoinToken.generate(CaPin.of(otherCa.certificate()), new SecureRandom());
        Agent agent = agent(Optional.of(token), Optional.of(hub.address()));

        assertThatThrownBy(agent::run)
                .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.CA_MISMATCH))
                .hasMessage("the hub's CA " + CaPin.of(hub.ca.certificate()) + " does not match the pinned "
                        + CaPin.of(otherCa.certificate()) + "; refusing to send the join token");
        assertThat(hub.joins).isEmpty();
        assertThat(hub.calls).hasValue(0);
        assertThat(new IdentityStore(stateDir).load()).isEmpty();
    }

    @Test
    void exitsWithCode3WhenTheHubsCertificateDoesNotNameTheDialedHost() throws Exception {
        try (FakeHub elsewhere = new FakeHub("hub.example", "10.0.0.9")) {
            JoinToken token = JoinToken.generate(CaPin.of(elsewhere.ca.certificate()), new SecureRandom());
            Agent agent = agent(Optional.of(token), Optional.of(elsewhere.address()));
            // the pin matched, so retrying the same name can only fail the same way
            assertThatThrownBy(agent::run)
                    .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.CA_MISMATCH))
                    .hasMessage("the hub's certificate does not name 127.0.0.1: its names are [hub.example, 10.0.0.9];"
                            + " use one of them in --hub or add 127.0.0.1 to the hub's --tls-san");
            assertThat(elsewhere.joins).isEmpty();
            assertThat(new IdentityStore(stateDir).load()).isEmpty();
        }
    }

    @Test
    void exitsWithCode3WhenTheHubsCertificateDoesNotVerifyAgainstThePinnedCa() throws Exception {
        try (FakeHub forged = FakeHub.withServerCertificateOfAnotherCa()) {
            JoinToken token = JoinToken.generate(CaPin.of(forged.ca.certificate()), new SecureRandom());
            Agent agent = agent(Optional.of(token), Optional.of(forged.address()));
            assertThatThrownBy(agent::run)
                    .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.CA_MISMATCH))
                    .hasMessageStartingWith("the hub's certificate does not verify against the CA pinned in the join token ("
                            + CaPin.of(forged.ca.certificate()) + ")")
                    .hasMessageEndingWith("refusing to send the join token");
            assertThat(forged.joins).isEmpty();
        }
    }

    @Test
    void retriesAJoinWithTheSameKeyAndCsr() throws Exception {
        hub.lostJoinResponses.set(2); // the hub signed, the answer never arrived: twice
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(agent);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());

        List<JoinRequest> joins = List.copyOf(hub.joins);
        assertThat(joins).hasSize(3);
        assertThat(joins).extracting(JoinRequest::getCsrDer).as("one CSR for the whole join run")
                .containsOnly(joins.getFirst().getCsrDer());
        StoredIdentity stored = new IdentityStore(stateDir).load().orElseThrow();
        assertThat(stored.certificate().getPublicKey())
                .isEqualTo(FakeHub.csrKey(joins.getFirst().getCsrDer().toByteArray()));
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void refusesAJoinBundleWithoutThePinnedCa() throws Exception {
        TestPki.Issued otherCa = TestPki.ca("not-the-hub");
        hub.joinCaBundle = Pem.certificates(List.of(otherCa.certificate()));
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        assertThatThrownBy(agent::run)
                .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.CA_MISMATCH))
                .hasMessageStartingWith("the hub's CA bundle does not contain the CA pinned in the join token ("
                        + CaPin.of(hub.ca.certificate()) + ")");
        assertThat(new IdentityStore(stateDir).load()).isEmpty();
    }

    @Test
    void ignoresARenewalThatWouldTrustAnotherCa() throws Exception {
        hub.joinedCertAge = Duration.ofHours(3); // renewal due at once
        hub.renewalCa = TestPki.ca("not-the-hub");
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(agent);
        // a second request means the first answer was handled, and refused: the old certificate is still due
        await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.RENEW_CERTIFICATE).size() >= 2);
        StoredIdentity stored = new IdentityStore(stateDir).load().orElseThrow();
        assertThat(stored.certificate().getSerialNumber()).isEqualTo(hub.sessionSerials.getFirst());
        assertThat(stored.caCertificates()).containsExactly(hub.ca.certificate());
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void exitsWithCode4BeforeDialingWhenTheStoredCertificateExpired() throws Exception {
        // the hub is down: only a check made before dialing can tell; retrying would go on forever
        String downHub = hub.address();
        hub.close();
        KeyAndCsr key = KeyAndCsr.generate();
        Instant now = Instant.now();
        new IdentityStore(stateDir).save(new StoredIdentity(downHub, FakeHub.HOST, "abcd1234",
                key.keyPair().getPrivate(), TestPki.client(hub.ca, key.keyPair().getPublic(),
                        "urn:kdop:dockerhost:edge:edge-1:uid-1", now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))),
                List.of(hub.ca.certificate())));
        Instant notAfter = new IdentityStore(stateDir).load().orElseThrow().certificate().getNotAfter().toInstant();

        Agent agent = agent(Optional.empty(), Optional.empty());
        assertThatThrownBy(agent::run)
                .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.REFUSED))
                .hasMessage("the client certificate expired at " + notAfter + "; the host must join again with a new"
                        + " token (kubectl -n edge annotate dockerhost edge-1 kdop.io.vn/token-request=$(date +%s)"
                        + " --overwrite), then run again with it");
    }

    @Test
    void aHungDockerNeverStallsTheSession() throws Exception {
        CountDownLatch dockerAnswers = new CountDownLatch(1);
        HostInspector hung = () -> {
            try {
                dockerAnswers.await(); // Docker hangs until the test lets it go
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return SNAPSHOT;
        };
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()), hung,
                new SessionTimings(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofMillis(200)));
        CompletableFuture<Void> run = start(agent);
        try {
            await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.HELLO).isEmpty());
            assertThat(received(AgentMessage.KindCase.HELLO).getFirst().getHello().getFacts().getDockerVersion())
                    .as("the first hello waited a bounded time, then went without facts").isEmpty();
            await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.HEARTBEAT).size() >= 2);
            assertThat(received(AgentMessage.KindCase.ACK)).isNotEmpty();

            dockerAnswers.countDown();
            await().atMost(WAIT).until(() -> received(AgentMessage.KindCase.HEARTBEAT).stream()
                    .anyMatch(m -> m.getHeartbeat().getFacts().getDockerVersion().equals("20.10.test")));
        } finally {
            dockerAnswers.countDown();
        }
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void reconnectsWhenNoWelcomeArrives() throws Exception {
        hub.silentSessions.set(1);
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()), () -> SNAPSHOT,
                new SessionTimings(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(200)));
        CompletableFuture<Void> run = start(agent);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        assertThat(received(AgentMessage.KindCase.HELLO)).hasSize(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(hub.cancelledSessions).as("the silent call was given up")
                .hasValue(1));
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void neverGoesBackToALowerRevision() throws Exception {
        Agent first = agent(Optional.of(token()), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(first);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        first.stop();
        run.get(10, TimeUnit.SECONDS);
        DesiredState newer = DesiredState.newBuilder().setRevision(9).setDigest("sha256:d9").build();
        DesiredStateStore.open(stateDir, Clock.systemUTC()).save(newer);

        hub.received.clear();
        Agent next = agent(Optional.empty(), Optional.empty()); // the hub still sends revision 7
        CompletableFuture<Void> nextRun = start(next);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        assertThat(received(AgentMessage.KindCase.ACK).getFirst().getAck()).isEqualTo(Ack.newBuilder()
                .setRevision(9).setDigest("sha256:d9").setError("stale revision 7 < 9").build());
        assertThat(DesiredStateStore.open(stateDir, Clock.systemUTC()).current()).contains(newer);
        next.stop();
        nextRun.get(10, TimeUnit.SECONDS);
    }

    @Test
    void exitsWithCode4WhenTheTokenExpired() {
        hub.joinRefusal = Refusals.refuse(Status.Code.PERMISSION_DENIED, ErrorReason.TOKEN_EXPIRED, "expired");
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        assertThatThrownBy(agent::run)
                .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.REFUSED))
                .hasMessageStartingWith("join token expired: ask for a new one with kubectl annotate dockerhost");
    }

    @Test
    void exitsWithCode4WhenTheHostIsRevoked() {
        hub.sessionRefusal = Refusals.refuse(Status.Code.PERMISSION_DENIED, ErrorReason.HOST_REVOKED, "deleted");
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        assertThatThrownBy(agent::run)
                .isInstanceOfSatisfying(AgentExit.class, e -> assertThat(e.code()).isEqualTo(AgentExit.REFUSED))
                .hasMessageContaining("revoked").hasMessageContaining("dockerhost edge-1");
    }

    @Test
    void retriesWhenTheHubIsUnavailable() throws Exception {
        hub.unavailableSessions.set(3);
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(agent);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.ACK).isEmpty());
        assertThat(received(AgentMessage.KindCase.HELLO)).hasSize(4);
        assertThat(run).isNotDone();
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void retriesWhileTheHubIsDown() throws Exception {
        int port = hub.port();
        hub.close();
        // a hub that is down: the port takes connections and drops them at once
        try (java.net.ServerSocket down = new java.net.ServerSocket()) {
            down.setReuseAddress(true);
            down.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!down.isClosed()) {
                    try (java.net.Socket s = down.accept()) {
                        tries.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        // the test is over
                    }
                }
            });
            Agent agent = agent(Optional.of(token()), Optional.of("127.0.0.1:" + port));
            CompletableFuture<Void> run = start(agent);
            await().atMost(WAIT).until(() -> tries.get() >= 3);
            assertThat(run).as("still trying after three failed joins").isNotDone();
            agent.stop();
            run.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void renewsTheCertificateAndUsesItOnTheNextConnection() throws Exception {
        hub.joinedCertAge = Duration.ofHours(3); // 3 of its 4 hours are gone: due at once
        Agent agent = agent(Optional.of(token()), Optional.of(hub.address()));
        CompletableFuture<Void> run = start(agent);
        await().atMost(WAIT).until(() -> !received(AgentMessage.KindCase.RENEW_CERTIFICATE).isEmpty());
        IdentityStore store = new IdentityStore(stateDir);
        var firstSerial = hub.sessionSerials.getFirst();
        await().atMost(WAIT).until(() -> !store.load().orElseThrow().certificate().getSerialNumber().equals(firstSerial));
        StoredIdentity renewed = store.load().orElseThrow();
        assertThat(KeyAndCsr.matches(renewed.key(), renewed.certificate().getPublicKey())).isTrue();
        assertThat(received(AgentMessage.KindCase.RENEW_CERTIFICATE)).as("one request per renewal").hasSize(1);

        hub.dropSessions();
        await().atMost(WAIT).until(() -> hub.sessionSerials.size() >= 2);
        assertThat(hub.sessionSerials.getLast()).isEqualTo(renewed.certificate().getSerialNumber());
        agent.stop();
        run.get(10, TimeUnit.SECONDS);
    }
}
