package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.session.ConnectionView;
import io.kdop.proto.v1.HostFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostStatusRulesTest {

    private static final Instant HUB_START = Instant.parse("2026-11-21T10:00:00Z");
    private static final HostStatusRules.Timing TIMING = new HostStatusRules.Timing(Duration.ofSeconds(40), HUB_START);
    private static final HostFacts FACTS = HostFacts.newBuilder().setDockerVersion("28.2.2").setOs("linux")
            .setArch("x86_64").setCpus(2).setMemoryBytes(8L << 30).setContainersRunning(3).build();

    @Test
    void aHostNobodyJoinedIsPendingAndPointsAtTheJoinSecret() {
        DockerHostStatus status = new DockerHostStatus();
        status.setJoinSecretName("edge-1-join");
        status.setJoinTokenId("abcdefgh");
        status.setJoinTokenExpiresAt("2026-11-22T10:00:00Z");
        Instant now = HUB_START.plusSeconds(5);

        HostStatusRules.Outcome outcome = apply(status, Optional.empty(), now);

        assertThat(outcome.status().getPhase()).isEqualTo("Pending");
        assertThat(ready(outcome).getReason()).isEqualTo("AwaitingJoin");
        assertThat(ready(outcome).getMessage()).contains("Secret edge-1-join");
        assertThat(outcome.recheckIn()).contains(Duration.between(now, Instant.parse("2026-11-22T10:00:00Z")).plusSeconds(1));
    }

    @Test
    void anExpiredTokenSaysHowToGetANewOne() {
        DockerHostStatus status = new DockerHostStatus();
        status.setJoinSecretName("edge-1-join");
        status.setJoinTokenId("abcdefgh");
        status.setJoinTokenExpiresAt("2026-11-21T10:00:01Z");

        HostStatusRules.Outcome outcome = apply(status, Optional.empty(), HUB_START.plusSeconds(60));

        assertThat(ready(outcome).getReason()).isEqualTo("JoinTokenExpired");
        assertThat(ready(outcome).getMessage()).contains("kubectl annotate dockerhost edge-1 kdop.io.vn/token-request=");
    }

    @Test
    void aLiveSessionMakesTheHostConnectedWithItsFacts() {
        Instant now = HUB_START.plusSeconds(100);
        ConnectionView live = new ConnectionView(true, now.minusSeconds(3), "0.1.0", FACTS, 7);

        HostStatusRules.Outcome outcome = apply(new DockerHostStatus(), Optional.of(live), now);

        DockerHostStatus s = outcome.status();
        assertThat(s.getPhase()).isEqualTo("Connected");
        assertThat(ready(outcome).getStatus()).isEqualTo("True");
        assertThat(s.getDockerVersion()).isEqualTo("28.2.2");
        assertThat(s.getPlatform()).isEqualTo("linux/x86_64");
        assertThat(s.getCpus()).isEqualTo(2);
        assertThat(s.getMemoryBytes()).isEqualTo(8L << 30);
        assertThat(s.getContainersRunning()).isEqualTo(3);
        assertThat(s.getAppliedRevision()).isEqualTo(7);
        assertThat(s.getLastHeartbeatTime()).isEqualTo(Timestamps.format(now.minusSeconds(3)));
        assertThat(outcome.recheckIn()).contains(Duration.ofSeconds(40 - 3 + 1));
    }

    @Test
    void aConnectedAgentThatCannotReachDockerMakesTheHostNotReadyAndKeepsTheLastDockerFacts() {
        Instant now = HUB_START.plusSeconds(100);
        DockerHostStatus before = apply(new DockerHostStatus(), Optional.of(new ConnectionView(true, now, "0.1.0",
                FACTS, 1)), now).status();
        HostFacts down = HostFacts.newBuilder().setHostname("edge-1")
                .setDockerError("cannot reach Docker at unix:///var/run/docker.sock: connection refused").build();

        HostStatusRules.Outcome outcome = apply(before, Optional.of(new ConnectionView(true, now.plusSeconds(5),
                "0.1.0", down, 1)), now.plusSeconds(5));

        assertThat(outcome.status().getPhase()).isEqualTo("Connected");
        assertThat(ready(outcome).getStatus()).isEqualTo("False");
        assertThat(ready(outcome).getReason()).isEqualTo("DockerUnreachable");
        assertThat(ready(outcome).getMessage()).contains("connection refused", "containers keep running");
        assertThat(outcome.status().getDockerVersion()).isEqualTo("28.2.2");
        assertThat(outcome.status().getPlatform()).isEqualTo("linux/x86_64");

        HostStatusRules.Outcome back = apply(outcome.status(), Optional.of(new ConnectionView(true, now.plusSeconds(9),
                "0.1.0", FACTS, 1)), now.plusSeconds(9));
        assertThat(ready(back).getReason()).isEqualTo("AgentConnected");
    }

    @Test
    void silenceLongerThanTheGracePeriodDisconnects() {
        Instant now = HUB_START.plusSeconds(100);
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase("Connected");
        ConnectionView closed = new ConnectionView(false, now.minusSeconds(41), "0.1.0", FACTS, 1);

        HostStatusRules.Outcome outcome = apply(status, Optional.of(closed), now);

        assertThat(outcome.status().getPhase()).isEqualTo("Disconnected");
        assertThat(ready(outcome).getReason()).isEqualTo("HeartbeatTimeout");
        assertThat(outcome.status().getLastHeartbeatTime()).isEqualTo(Timestamps.format(now.minusSeconds(41)));
        assertThat(outcome.recheckIn()).isEmpty();
    }

    @Test
    void aDroppedConnectionStaysConnectedWithinTheGracePeriod() {
        Instant now = HUB_START.plusSeconds(100);
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase("Connected");
        ConnectionView closed = new ConnectionView(false, now.minusSeconds(10), "0.1.0", FACTS, 1);

        HostStatusRules.Outcome outcome = apply(status, Optional.of(closed), now);
        assertThat(outcome.status().getPhase()).isEqualTo("Connected");
        assertThat(ready(outcome).getReason()).isEqualTo("AgentReconnecting");
        assertThat(ready(outcome).getMessage()).contains("waiting for the agent to reconnect");
    }

    @Test
    void aHubRestartDoesNotDisconnectHostsBeforeTheGracePeriodPasses() {
        DockerHostStatus before = new DockerHostStatus();
        before.setPhase("Connected");
        before.setLastHeartbeatTime(Timestamps.format(HUB_START.minusSeconds(600)));

        assertThat(apply(before, Optional.empty(), HUB_START.plusSeconds(10)).status().getPhase()).isEqualTo("Connected");
        assertThat(apply(before, Optional.empty(), HUB_START.plusSeconds(41)).status().getPhase())
                .isEqualTo("Disconnected");
    }

    @Test
    void heartbeatTimeIsRewrittenOnlyAfterHalfTheGracePeriod() {
        Instant now = HUB_START.plusSeconds(100);
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase("Connected");
        status.setLastHeartbeatTime(Timestamps.format(now.minusSeconds(15)));
        ConnectionView live = new ConnectionView(true, now, "0.1.0", FACTS, 1);

        assertThat(apply(status, Optional.of(live), now).status().getLastHeartbeatTime())
                .isEqualTo(Timestamps.format(now.minusSeconds(15)));

        status.setLastHeartbeatTime(Timestamps.format(now.minusSeconds(20)));
        assertThat(apply(status, Optional.of(live), now).status().getLastHeartbeatTime())
                .isEqualTo(Timestamps.format(now));
    }

    @Test
    void readyKeepsItsTransitionTimeWhileNothingChanges() {
        Instant now = HUB_START.plusSeconds(100);
        ConnectionView live = new ConnectionView(true, now, "0.1.0", FACTS, 1);
        DockerHostStatus first = apply(new DockerHostStatus(), Optional.of(live), now).status();
        String transition = Conditions.find(first.getConditions(), "Ready").orElseThrow().getLastTransitionTime();

        DockerHostStatus second = apply(first, Optional.of(live), now.plusSeconds(5)).status();

        assertThat(Conditions.find(second.getConditions(), "Ready").orElseThrow().getLastTransitionTime())
                .isEqualTo(transition);
    }

    private static HostStatusRules.Outcome apply(DockerHostStatus status, Optional<ConnectionView> view, Instant now) {
        return HostStatusRules.apply(status, "edge-1", 1, view, Optional.of(1L), TIMING, now);
    }

    private static io.fabric8.kubernetes.api.model.Condition ready(HostStatusRules.Outcome outcome) {
        return Conditions.find(outcome.status().getConditions(), "Ready").orElseThrow();
    }
}
