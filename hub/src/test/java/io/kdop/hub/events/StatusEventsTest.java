package io.kdop.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.job.DockerJobStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusEventsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aJobTellsItsAttemptsAndItsOutcomeButNotItsOutput() {
        DockerJobStatus pending = job("Pending", 0, null, null, List.of());
        DockerJobStatus running = job("Running", 1, null, null, List.of());
        DockerJobStatus failed = job("Failed", 3, "BackoffLimitExceeded",
                "attempt 3 of 3 exited with code 3; backoffLimit 2 reached. Last output:\nFATAL password=hunter2",
                List.of());

        assertThat(StatusEvents.ofJob(pending, running)).containsExactly(KubeEvent.normal("AttemptStarted",
                "attempt 1 started on edge/edge-1 in container 0123456789ab"));
        assertThat(StatusEvents.ofJob(running, failed)).containsExactly(
                KubeEvent.normal("AttemptStarted", "attempt 3 started on edge/edge-1 in container 0123456789ab"),
                KubeEvent.warning("BackoffLimitExceeded", "attempt 3 of 3 exited with code 3; backoffLimit 2 reached"));
        assertThat(StatusEvents.ofJob(failed, failed)).as("no change, no event").isEmpty();
        assertThat(StatusEvents.ofJob(running, job("Succeeded", 1, null, "succeeded", List.of())))
                .containsExactly(KubeEvent.normal("Completed", "succeeded after 1 attempt(s), exit code 0"));
    }

    @Test
    void aRefusedEditIsOneWarningNotOneAPass() {
        List<Condition> refused = Conditions.with(List.of(), "Accepted", false, "SpecImmutable",
                "spec.image changed after the job started", 2L, NOW);
        DockerJobStatus before = job("Running", 1, null, null, List.of());
        DockerJobStatus after = job("Running", 1, null, null, refused);

        assertThat(StatusEvents.ofJob(before, after)).containsExactly(KubeEvent.warning("SpecImmutable",
                "spec.image changed after the job started"));
        assertThat(StatusEvents.ofJob(after, after)).isEmpty();
    }

    @Test
    void aContainerTellsWhenItRunsIsRestartedOrFailsButNotWhileItIsOnItsWay() {
        DockerContainerStatus pending = container("Pending", 0, null, ready(false, "WaitingForAgent"));
        DockerContainerStatus running = container("Running", 0, "healthy", ready(true, "Running"));
        assertThat(StatusEvents.ofContainer(null, pending)).isEmpty();
        assertThat(StatusEvents.ofContainer(pending, running)).containsExactly(
                KubeEvent.normal("Running", "container runs on edge/edge-1 in container 0123456789ab"));
        assertThat(StatusEvents.ofContainer(running, container("Running", 1, "healthy", ready(true, "Running"))))
                .containsExactly(KubeEvent.warning("Restarted", "restarted or re-created on edge/edge-1 (1 time(s) so far)"));
        assertThat(StatusEvents.ofContainer(running, container("Running", 0, "unhealthy", ready(false, "Unhealthy"))))
                .containsExactly(KubeEvent.warning("Unhealthy", "Unhealthy message"));
        assertThat(StatusEvents.ofContainer(running, container("Failed", 0, null, ready(false, "ImagePullFailed"))))
                .containsExactly(KubeEvent.warning("ImagePullFailed", "ImagePullFailed message"));
    }

    @Test
    void aHostTellsItsAgentComingAndGoingAndDockerMissing() {
        DockerHostStatus pending = host("AwaitingJoin");
        DockerHostStatus connected = host("AgentConnected");
        assertThat(StatusEvents.ofHost(pending, connected)).containsExactly(
                KubeEvent.normal("AgentConnected", "AgentConnected message"));
        assertThat(StatusEvents.ofHost(connected, host("DockerUnreachable"))).containsExactly(
                KubeEvent.warning("DockerUnreachable", "DockerUnreachable message"));
        assertThat(StatusEvents.ofHost(connected, host("HeartbeatTimeout"))).containsExactly(
                KubeEvent.warning("HeartbeatTimeout", "HeartbeatTimeout message"));
        assertThat(StatusEvents.ofHost(pending, host("InvalidSpec"))).as("e.g. a joinTokenTTL over 7 days")
                .containsExactly(KubeEvent.warning("InvalidSpec", "InvalidSpec message"));
        assertThat(StatusEvents.ofHost(connected, host("AgentConnected"))).isEmpty();
        assertThat(StatusEvents.ofHost(connected, host("AgentReconnecting"))).as("within the grace period").isEmpty();
        assertThat(StatusEvents.inBetween(host("AgentReconnecting"))).isTrue();
        assertThat(StatusEvents.inBetween(connected)).isFalse();
    }

    private static DockerJobStatus job(String phase, int attempts, String reason, String message,
            List<Condition> conditions) {
        return new DockerJobStatus(phase, "edge/edge-1", "0123456789abcdef", "2026-12-01T09:00:00Z", null,
                "Succeeded".equals(phase) ? 0 : null, attempts, reason, message, null, "d1", 1L, conditions);
    }

    private static DockerContainerStatus container(String phase, int restarts, String health, List<Condition> c) {
        return new DockerContainerStatus(phase, "edge/edge-1", "0123456789abcdef", health, null, restarts, null, null,
                null, 1L, null, c);
    }

    private static List<Condition> ready(boolean ready, String reason) {
        return Conditions.with(List.of(), Conditions.READY, ready, reason, reason + " message", 1L, NOW);
    }

    private static DockerHostStatus host(String reason) {
        DockerHostStatus s = new DockerHostStatus();
        s.setConditions(Conditions.with(List.of(), Conditions.READY, "AgentConnected".equals(reason), reason,
                reason + " message", 1L, NOW));
        return s;
    }
}
