package io.kdop.hub.controller;

import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.container.ServicePorts;
import io.kdop.hub.container.SpecProblem;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.proto.v1.WorkloadRef;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;

/**
 * The rule for a DockerContainer's {@code services}, as the seed has it: one Service
 * {@code tunnel-<name>} with a port per entry, every connection carried to this container on
 * whichever host it is placed, and its container ports declared to that host's agent.
 */
final class ContainerServices {

    /** Who declares the ports in the host's tunnel targets. */
    static final String SOURCE = "DockerContainer";

    private final ServiceTunnels tunnels;
    private final HostWorkloads workloads;

    ContainerServices(ServiceTunnels tunnels, HostWorkloads workloads) {
        this.tunnels = tunnels;
        this.workloads = workloads;
    }

    /** Exposes (or stops exposing) the container's services; the problem when they are invalid. */
    Optional<SpecProblem> expose(DockerContainer container) {
        String uid = container.getMetadata().getUid();
        ServicePorts.Result result = ServicePorts.of("spec.services", container.getSpec().services());
        if (result instanceof ServicePorts.Result.Invalid invalid) {
            return Optional.of(invalid.problem());
        }
        List<ServiceTunnels.Port> ports = ((ServicePorts.Result.Valid) result).ports();
        workloads.declareTunnelPorts(SOURCE, uid, ports.stream().map(ServiceTunnels.Port::targetPort).toList());
        if (ports.isEmpty()) {
            tunnels.withdraw(uid);
            return Optional.empty();
        }
        WorkloadRef ref = WorkloadRef.newBuilder().setKind("DockerContainer")
                .setNamespace(container.getMetadata().getNamespace()).setName(container.getMetadata().getName())
                .setUid(uid).build();
        try {
            return tunnels.expose(container, ports,
                    () -> workloads.hostOf(uid).map(host -> new ServiceTunnels.Backend(host, ref)))
                    .map(message -> SpecProblem.of("ServiceNameTaken", message));
        } catch (KubernetesClientException | java.io.UncheckedIOException | IllegalStateException e) {
            // the container itself runs; only its Service could not be written (tried again next pass)
            return Optional.of(SpecProblem.of("ServiceFailed", "cannot expose spec.services as Service tunnel-"
                    + container.getMetadata().getName() + ": " + e.getMessage()));
        }
    }

    void withdraw(DockerContainer container) {
        workloads.declareTunnelPorts(SOURCE, container.getMetadata().getUid(), List.of());
        tunnels.withdraw(container.getMetadata().getUid());
    }
}
