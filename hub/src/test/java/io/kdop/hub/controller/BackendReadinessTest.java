package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.WorkloadStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackendReadinessTest {

    private static Optional<WorkloadStatus> report(String phase, String health) {
        return Optional.of(WorkloadStatus.newBuilder().setPhase(phase).setHealth(health).build());
    }

    @Test
    void aRunningContainerWithoutHealthCheckOrHealthyOnAConnectedHostIsReady() {
        assertThat(BackendReadiness.notReady(true, report("Running", ""))).isEmpty();
        assertThat(BackendReadiness.notReady(true, report("Running", "healthy"))).isEmpty();
    }

    @Test
    void anythingElseIsNotAndSaysWhy() {
        assertThat(BackendReadiness.notReady(false, report("Running", ""))).contains("HostNotConnected");
        assertThat(BackendReadiness.notReady(true, Optional.empty())).contains("NotReported");
        assertThat(BackendReadiness.notReady(true, report("Exited", ""))).contains("NotRunning (Exited)");
        assertThat(BackendReadiness.notReady(true, report("Running", "unhealthy"))).contains("Unhealthy");
        assertThat(BackendReadiness.notReady(true, report("Running", "starting"))).contains("HealthStarting");
    }
}
