package io.kdop.hub.controller;

import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.container.ServicePorts;
import io.kdop.hub.container.SpecProblem;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.proto.v1.ContainerSpec;
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
        List<ServicePorts.Port> ports = ((ServicePorts.Result.Valid) result).ports();
        workloads.declareTunnelPorts(SOURCE, uid, ports.stream().map(ServicePorts.Port::targetPort).toList());
        if (ports.isEmpty()) {
            tunnels.withdraw(container);
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

    /** Condition type: connections to the container's Service reach it. */
    static final String SERVING = "Serving";

    /**
     * The status with the container's Service and whether its connections reach the container:
     * they do exactly when the container is Ready (running, healthy, on a connected host).
     */
    static DockerContainerStatus withService(DockerContainerStatus status, DockerContainer container,
            java.time.Instant now) {
        // the schema does not require a spec: an object without one has no services either
        List<io.kdop.hub.api.container.ServicePort> services = container.getSpec() == null ? null
                : container.getSpec().services();
        if (services == null || services.isEmpty()) {
            List<io.fabric8.kubernetes.api.model.Condition> without = status.conditions() == null ? null
                    : status.conditions().stream().filter(c -> !SERVING.equals(c.getType())).toList();
            return status.withService(null, without);
        }
        String name = ServiceTunnels.SERVICE_PREFIX + container.getMetadata().getName();
        Optional<io.fabric8.kubernetes.api.model.Condition> ready = io.kdop.hub.api.Conditions.find(status.conditions(),
                io.kdop.hub.api.Conditions.READY);
        boolean serving = ready.map(c -> "True".equals(c.getStatus())).orElse(false);
        String reason = serving ? "Serving" : ready.map(io.fabric8.kubernetes.api.model.Condition::getReason)
                .orElse("NotReady");
        String message = serving ? "connections to Service " + name + " reach the container"
                : "connections to Service " + name + " are reset: " + ready.map(
                        io.fabric8.kubernetes.api.model.Condition::getMessage).orElse("the container is not ready");
        return status.withService(name, io.kdop.hub.api.Conditions.with(status.conditions() == null ? List.of()
                : status.conditions(), SERVING, serving, reason, message, status.observedGeneration(), now));
    }

    /**
     * The status of a container on a direct host, whose Service connections the hub carries to the
     * ports Docker published on that host: a service whose container port is not published (nor
     * the container in host network mode) cannot be reached, and Serving says so.
     */
    static DockerContainerStatus onDirectHost(DockerContainerStatus status, DockerContainer container,
            Optional<ContainerSpec> spec, String hostAddress, java.time.Instant now) {
        List<io.kdop.hub.api.container.ServicePort> services = container.getSpec() == null ? null
                : container.getSpec().services();
        if (services == null || services.isEmpty() || spec.isEmpty() || "host".equals(spec.get().getNetworkMode())) {
            return status;
        }
        List<Integer> unpublished = services.stream().map(p -> p.targetPort() == null ? p.port() : p.targetPort())
                .filter(java.util.Objects::nonNull).distinct()
                .filter(port -> spec.get().getPortsList().stream().noneMatch(b -> b.getContainerPort() == port
                        && !"udp".equalsIgnoreCase(b.getProtocol()) && reachable(b.getHostIp(), hostAddress)))
                .toList();
        if (unpublished.isEmpty()) {
            return status;
        }
        String message = "the container runs on direct host " + status.host() + ", where the hub reaches only "
                + "ports published on " + hostAddress + ", and container port" + (unpublished.size() == 1 ? " " : "s ")
                + unpublished.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                + " of spec.services " + (unpublished.size() == 1 ? "is" : "are") + " not: add "
                + unpublished.stream().map(p -> "\"" + hostAddress + ":" + p + ":" + p + "\"")
                        .collect(java.util.stream.Collectors.joining(", "))
                + " (address:host port:container port) to spec.ports, or use network mode host";
        return status.withService(status.service(), io.kdop.hub.api.Conditions.with(status.conditions() == null
                ? List.of() : status.conditions(), SERVING, false, "PortNotPublished", message,
                status.observedGeneration(), now));
    }

    /** Whether the hub reaches a port Docker binds on {@code hostIp}: all addresses, or the one it dials. */
    static boolean reachable(String hostIp, String hostAddress) {
        return hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::") || hostIp.equals(hostAddress);
    }

    void withdraw(DockerContainer container) {
        workloads.declareTunnelPorts(SOURCE, container.getMetadata().getUid(), List.of());
        tunnels.withdraw(container);
    }
}
