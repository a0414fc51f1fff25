package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.container.ServicePort;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerServicesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aReadyContainerWithServicesIsServingThroughItsService() {
        DockerContainerStatus status = ContainerServices.withService(status(true, "Running", "running"),
                container(List.of(new ServicePort("http", 80, 8080))), NOW);

        assertThat(status.service()).isEqualTo("tunnel-web");
        assertThat(Conditions.find(status.conditions(), ContainerServices.SERVING)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).isEqualTo("connections to Service tunnel-web reach the container");
        });
    }

    @Test
    void aContainerThatIsNotReadySaysWhyItsServiceResetsConnections() {
        DockerContainerStatus status = ContainerServices.withService(status(false, "HostDisconnected",
                "DockerHost edge/edge-1 is Disconnected"), container(List.of(new ServicePort("http", 80, 8080))), NOW);

        assertThat(Conditions.find(status.conditions(), ContainerServices.SERVING)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("HostDisconnected");
            assertThat(c.getMessage()).isEqualTo("connections to Service tunnel-web are reset: "
                    + "DockerHost edge/edge-1 is Disconnected");
        });
    }

    @Test
    void aContainerWithoutSpecHasNoService() {
        DockerContainer specless = container(null);
        specless.setSpec(null);

        DockerContainerStatus status = ContainerServices.withService(status(true, "Running", "running"), specless, NOW);

        assertThat(status.service()).isNull();
        assertThat(Conditions.find(status.conditions(), ContainerServices.SERVING)).isEmpty();
    }

    @Test
    void withoutServicesThereIsNoServiceAndNoServingCondition() {
        DockerContainerStatus served = ContainerServices.withService(status(true, "Running", "running"),
                container(List.of(new ServicePort("http", 80, 8080))), NOW);

        DockerContainerStatus status = ContainerServices.withService(served, container(null), NOW);

        assertThat(status.service()).isNull();
        assertThat(status.conditions()).extracting(c -> c.getType()).containsExactly(Conditions.READY);
    }

    @Test
    void onADirectHostARunningContainerWithServicesSaysItGetsNoTunnel() {
        DockerContainerStatus status = ContainerServices.withoutTunnels(status(true, "Running", "running"),
                container(List.of(new ServicePort("http", 80, 8080))), "edge/remote", NOW);

        assertThat(status.service()).isNull();
        assertThat(Conditions.find(status.conditions(), Conditions.READY).orElseThrow().getStatus()).isEqualTo("True");
        assertThat(Conditions.find(status.conditions(), ContainerServices.SERVING)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("TunnelsUnsupported");
            assertThat(c.getMessage()).contains("DockerHost edge/remote is a direct host", "no Service tunnel-web",
                    "spec.ports");
        });
    }

    @Test
    void onADirectHostAContainerWithoutServicesHasNoServingCondition() {
        DockerContainerStatus status = ContainerServices.withoutTunnels(status(true, "Running", "running"),
                container(null), "edge/remote", NOW);

        assertThat(status.conditions()).extracting(c -> c.getType()).containsExactly(Conditions.READY);
    }

    private static DockerContainerStatus status(boolean ready, String reason, String message) {
        return new DockerContainerStatus("Running", "edge/edge-1", "c1", null, null, 0, null, null, null, 1L, null,
                Conditions.with(List.of(), Conditions.READY, ready, reason, message, 1L, NOW));
    }

    private static DockerContainer container(List<ServicePort> services) {
        DockerContainer dc = new DockerContainer();
        dc.getMetadata().setName("web");
        dc.getMetadata().setNamespace("edge");
        dc.setSpec(new DockerContainerSpec("busybox", null, null, null, null, null, null, "edge-1", null, null, null,
                null, null, services, null, null, null));
        return dc;
    }
}
