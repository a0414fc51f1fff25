package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which DockerHost updates wake the deployments: those that can change placement, not heartbeats. */
class DeploymentHostsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void aHeartbeatAloneDoesNotWakeTheDeployments() {
        assertThat(DeploymentHosts.placementChanged(host("Connected", true, T0.plusSeconds(45), Map.of("pool", "a")),
                host("Connected", true, T0, Map.of("pool", "a")))).isFalse();
    }

    @Test
    void aDisconnectARelabelOrAnUnreadyHostDoes() {
        DockerHost before = host("Connected", true, T0, Map.of("pool", "a"));
        assertThat(DeploymentHosts.placementChanged(host("Disconnected", false, T0, Map.of("pool", "a")), before))
                .isTrue();
        assertThat(DeploymentHosts.placementChanged(host("Connected", true, T0, Map.of("pool", "b")), before)).isTrue();
        assertThat(DeploymentHosts.placementChanged(host("Connected", false, T0, Map.of("pool", "a")), before)).isTrue();
        DockerHost deleting = host("Connected", true, T0, Map.of("pool", "a"));
        deleting.getMetadata().setDeletionTimestamp(Timestamps.format(T0));
        assertThat(DeploymentHosts.placementChanged(deleting, before)).isTrue();
    }

    private static DockerHost host(String phase, boolean ready, Instant heartbeat, Map<String, String> labels) {
        DockerHost host = new DockerHost();
        host.getMetadata().setName("h1");
        host.getMetadata().setLabels(labels);
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase(phase);
        status.setConditions(Conditions.with(List.of(), Conditions.READY, ready, phase, phase, 1L, T0));
        status.setLastHeartbeatTime(Timestamps.format(heartbeat));
        host.setStatus(status);
        return host;
    }
}
