package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerStatusRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final WorkloadStatus RUNNING = WorkloadStatus.newBuilder().setPhase("Running").setContainerId("c0ffee")
            .setIpv4("172.17.0.2").setRestartCount(1).setStartedAt("2026-11-21T11:59:00Z").setObservedRevision(3).build();

    @Test
    void aRunningContainerAtTheCurrentRevisionIsReady() {
        DockerContainerStatus s = compute("Connected", Optional.empty(), 3, Optional.of(RUNNING));
        assertThat(s.phase()).isEqualTo("Running");
        assertThat(s.containerID()).isEqualTo("c0ffee");
        assertThat(s.ipv4()).isEqualTo("172.17.0.2");
        assertThat(s.host()).isEqualTo("edge/h1");
        assertThat(ready(s)).isEqualTo("True/Running");
    }

    @Test
    void healthDecidesReadinessWhenThereIsAHealthCheck() {
        assertThat(ready(compute("Connected", Optional.empty(), 3, Optional.of(RUNNING.toBuilder().setHealth("unhealthy")
                .build())))).isEqualTo("False/Unhealthy");
        assertThat(ready(compute("Connected", Optional.empty(), 3, Optional.of(RUNNING.toBuilder().setHealth("starting")
                .build())))).isEqualTo("False/HealthStarting");
        assertThat(ready(compute("Connected", Optional.empty(), 3, Optional.of(RUNNING.toBuilder().setHealth("healthy")
                .build())))).isEqualTo("True/Running");
    }

    @Test
    void aChangeTheAgentHasNotAppliedYetIsNotReady() {
        DockerContainerStatus s = compute("Connected", Optional.empty(), 4, Optional.of(RUNNING));
        assertThat(ready(s)).isEqualTo("False/Updating");
    }

    @Test
    void anAgentFailureCarriesItsReasonAndMessage() {
        WorkloadStatus failed = WorkloadStatus.newBuilder().setPhase("Failed").setReason("ImagePullFailed")
                .setMessage("pull access denied for nosuch/image").setObservedRevision(3).build();
        DockerContainerStatus s = compute("Connected", Optional.empty(), 3, Optional.of(failed));
        assertThat(s.phase()).isEqualTo("Failed");
        assertThat(s.message()).isEqualTo("pull access denied for nosuch/image");
        assertThat(ready(s)).isEqualTo("False/ImagePullFailed");
    }

    @Test
    void aDisconnectedHostMakesThePhaseUnknownButKeepsWhatWasKnown() {
        DockerContainerStatus before = compute("Connected", Optional.empty(), 3, Optional.of(RUNNING));
        DockerContainerStatus s = ContainerStatusRules.compute(new ContainerStatusRules.Facts(1, "edge/h1", true,
                "Disconnected", Optional.empty(), 3, Optional.of(RUNNING), before), NOW);
        assertThat(s.phase()).isEqualTo("Unknown");
        assertThat(s.containerID()).isEqualTo("c0ffee");
        assertThat(ready(s)).isEqualTo("False/HostDisconnected");
    }

    @Test
    void anInvalidSpecSaysWhyAndThatTheOldOneKeepsRunning() {
        SpecProblem problem = SpecProblem.of("InvalidPort", "spec.port \"x\" is not ...");
        DockerContainerStatus s = compute("Connected", Optional.of(problem), 0, Optional.of(RUNNING));
        assertThat(ready(s)).isEqualTo("False/InvalidPort");
        assertThat(s.message()).contains("keeps running its last valid spec");
        assertThat(compute("Connected", Optional.of(problem), 0, Optional.empty()).phase()).isEqualTo("Pending");
    }

    @Test
    void aWorkloadItsHostsPolicyRefusesIsNotSaidToKeepRunning() {
        SpecProblem problem = SpecProblem.of("PolicyDenied", "DockerHost kdop-system/shared does not take workloads "
                + "of namespace team-a: ...; the workload is not placed on the host (a container it ran there is removed)");
        DockerContainerStatus s = compute("Connected", Optional.of(problem), 0, Optional.of(RUNNING));
        assertThat(ready(s)).isEqualTo("False/PolicyDenied");
        assertThat(s.message()).isEqualTo(problem.message()).doesNotContain("keeps running");
    }

    @Test
    void aMissingHostIsNamed() {
        DockerContainerStatus s = ContainerStatusRules.compute(new ContainerStatusRules.Facts(1, "edge/nowhere", false,
                null, Optional.empty(), 0, Optional.empty(), null), NOW);
        assertThat(ready(s)).isEqualTo("False/HostNotFound");
        assertThat(s.message()).contains("DockerHost edge/nowhere does not exist");
    }

    @Test
    void afterAHubRestartTheLastKnownStatusStaysUntilTheAgentReports() {
        DockerContainerStatus before = compute("Connected", Optional.empty(), 3, Optional.of(RUNNING));
        DockerContainerStatus s = ContainerStatusRules.compute(new ContainerStatusRules.Facts(1, "edge/h1", true,
                "Connected", Optional.empty(), 3, Optional.empty(), before), NOW);
        assertThat(s).isEqualTo(before);
        DockerContainerStatus changed = ContainerStatusRules.compute(new ContainerStatusRules.Facts(2, "edge/h1", true,
                "Connected", Optional.empty(), 4, Optional.empty(), before), NOW);
        assertThat(ready(changed)).as("a new generation waits for the agent").isEqualTo("False/WaitingForAgent");
    }

    @Test
    void beforeTheFirstReportItWaitsForTheAgent() {
        assertThat(ready(compute("Connected", Optional.empty(), 3, Optional.empty()))).isEqualTo("False/WaitingForAgent");
        assertThat(ready(compute("Pending", Optional.empty(), 3, Optional.empty()))).isEqualTo("False/HostNotConnected");
    }

    private static DockerContainerStatus compute(String hostPhase, Optional<SpecProblem> problem, long placed,
            Optional<WorkloadStatus> reported) {
        return ContainerStatusRules.compute(new ContainerStatusRules.Facts(1, "edge/h1", true, hostPhase, problem, placed,
                reported, null), NOW);
    }

    private static String ready(DockerContainerStatus s) {
        var c = Conditions.find(s.conditions(), Conditions.READY).orElseThrow();
        return c.getStatus() + "/" + c.getReason();
    }
}
