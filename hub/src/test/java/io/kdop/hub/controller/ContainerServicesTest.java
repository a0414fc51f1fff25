package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.container.ServicePort;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.PortBinding;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
    void onADirectHostAnUnpublishedServicePortCannotServeAndSaysHowToPublishIt() {
        DockerContainer web = container(List.of(new ServicePort("http", 80, 8080), new ServicePort("admin", 81, 9090)));
        ContainerSpec spec = ContainerSpec.newBuilder()
                .addPorts(PortBinding.newBuilder().setHostPort(18080).setContainerPort(8080))
                .addPorts(PortBinding.newBuilder().setHostPort(19090).setContainerPort(9090).setProtocol("udp"))
                .build();
        DockerContainerStatus served = ContainerServices.withService(status(true, "Running", "running"), web, NOW);

        DockerContainerStatus status = ContainerServices.onDirectHost(served, web, Optional.of(spec), "192.0.2.10", NOW);

        assertThat(status.service()).isEqualTo("tunnel-web");
        assertThat(Conditions.find(status.conditions(), ContainerServices.SERVING)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("PortNotPublished");
            assertThat(c.getMessage()).contains("direct host edge/edge-1", "ports published on 192.0.2.10",
                    "container port 9090 of spec.services is not", "\"192.0.2.10:9090:9090\"").doesNotContain("8080 ");
        });
    }

    @Test
    void onADirectHostPublishedPortsOrHostNetworkServeAsOnAnyHost() {
        DockerContainer web = container(List.of(new ServicePort("http", 80, 8080)));
        DockerContainerStatus served = ContainerServices.withService(status(true, "Running", "running"), web, NOW);
        ContainerSpec published = ContainerSpec.newBuilder()
                .addPorts(PortBinding.newBuilder().setHostPort(18080).setContainerPort(8080)).build();
        ContainerSpec hostNetwork = ContainerSpec.newBuilder().setNetworkMode("host").build();

        ContainerSpec onTheDialledAddress = ContainerSpec.newBuilder().addPorts(PortBinding.newBuilder()
                .setHostIp("192.0.2.10").setHostPort(18080).setContainerPort(8080)).build();
        ContainerSpec onLoopback = ContainerSpec.newBuilder().addPorts(PortBinding.newBuilder()
                .setHostIp("127.0.0.1").setHostPort(18080).setContainerPort(8080)).build();

        assertThat(ContainerServices.onDirectHost(served, web, Optional.of(published), "192.0.2.10", NOW))
                .isEqualTo(served);
        assertThat(ContainerServices.onDirectHost(served, web, Optional.of(hostNetwork), "192.0.2.10", NOW))
                .isEqualTo(served);
        assertThat(ContainerServices.onDirectHost(served, web, Optional.of(onTheDialledAddress), "192.0.2.10", NOW))
                .isEqualTo(served);
        assertThat(Conditions.find(ContainerServices.onDirectHost(served, web, Optional.of(onLoopback), "192.0.2.10",
                NOW).conditions(), ContainerServices.SERVING).orElseThrow().getReason())
                .as("the host's loopback is out of the hub's reach").isEqualTo("PortNotPublished");
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
