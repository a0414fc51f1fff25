package io.kdop.hub.tunnel;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.container.ServicePorts.Port;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.v1.WorkloadRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes side of tunnels: for a DockerContainer (or DockerService) with ports to expose,
 * a Service {@code tunnel-<name>} owned by it (deleting the owner deletes the Service), an
 * EndpointSlice that points the Service at this hub, and one hub port per Service port whose
 * connections become tunnels to the chosen backend's container port.
 *
 * <p>The EndpointSlice names the hub that holds the agents' sessions; with several hub replicas,
 * each host's sessions live on one replica and the slice must name that one (docs/architecture.md).
 */
public final class ServiceTunnels {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceTunnels.class);
    public static final String SERVICE_PREFIX = "tunnel-";
    /** Marks the Services (and slices) the hub made, so it finds them again after a restart. */
    static final String LABEL = "kdop.io.vn/tunnel";
    private static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    /** A label value (no slash allowed), in the style of Kubernetes' own endpointslice-controller.k8s.io. */
    private static final String HUB = "hub.kdop.io.vn";

    /** Where one connection goes: a workload on a host. */
    public record Backend(String hostKey, WorkloadRef workload) {}

    /** Chooses the backend of each new connection (round-robin over the ready ones, for instance). */
    @FunctionalInterface
    public interface Backends {
        Optional<Backend> next();
    }

    private record Listening(Port port, int hubPort, TunnelListener listener) {}

    private final KubernetesClient client;
    private final TunnelBroker broker;
    private final HostWorkloads workloads;
    private final TunnelSettings settings;
    private final TunnelPorts ports;
    private final Map<String, Map<Integer, Listening>> byOwner = new HashMap<>();
    /** A Service name Kubernetes accepts (and a label value: kubernetes.io/service-name). */
    private static final java.util.regex.Pattern DNS_1035_LABEL = java.util.regex.Pattern.compile(
            "[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Hub ports of Services found at start, kept for their owners to claim again. */
    private final java.util.Set<Integer> adopted = new java.util.HashSet<>();

    public ServiceTunnels(KubernetesClient client, TunnelBroker broker, HostWorkloads workloads,
            TunnelSettings settings) {
        this.client = client;
        this.broker = broker;
        this.workloads = workloads;
        this.settings = settings;
        this.ports = new TunnelPorts(settings.firstPort(), settings.lastPort());
    }

    /** Keeps the hub ports of the tunnel Services that exist, so that they never change across restarts. */
    public synchronized void reserveExisting() {
        for (Service service : client.services().inAnyNamespace().withLabel(LABEL).list().getItems()) {
            service.getSpec().getPorts().stream().map(p -> p.getTargetPort())
                    .filter(t -> t != null && t.getIntVal() != null && ports.reserve(t.getIntVal()))
                    .forEach(t -> adopted.add(t.getIntVal()));
        }
    }

    /**
     * Exposes the owner's ports: hub listeners (kept when unchanged), the Service and its
     * EndpointSlice. Returns why it cannot, e.g. a Service of that name that is not this owner's.
     */
    public synchronized Optional<String> expose(HasMetadata owner, List<Port> wanted, Backends backends) {
        String ns = owner.getMetadata().getNamespace();
        String name = SERVICE_PREFIX + owner.getMetadata().getName();
        if (!DNS_1035_LABEL.matcher(name).matches()) {
            return Optional.of("the Service name " + name + " is not a valid Kubernetes Service name (at most 63 "
                    + "lower-case letters, digits and '-', starting with a letter): give the " + owner.getKind()
                    + " a name of at most " + (63 - SERVICE_PREFIX.length()) + " characters without dots");
        }
        Service existing = client.services().inNamespace(ns).withName(name).get();
        if (existing != null && !ownedBy(existing, owner)) {
            return Optional.of("Service " + ns + "/" + name + " exists and does not belong to this " + owner.getKind()
                    + ": rename or delete it");
        }
        Map<Integer, Integer> hubPortByServicePort = new HashMap<>();
        if (existing != null) {
            existing.getSpec().getPorts().forEach(p -> {
                if (p.getTargetPort() != null && p.getTargetPort().getIntVal() != null) {
                    hubPortByServicePort.put(p.getPort(), p.getTargetPort().getIntVal());
                }
            });
        }
        Map<Integer, Listening> current = byOwner.getOrDefault(owner.getMetadata().getUid(), Map.of());
        Map<Integer, Listening> next = new HashMap<>();
        List<Listening> opened = new java.util.ArrayList<>();
        try {
            for (Port port : wanted) {
                Listening was = current.get(port.port());
                Consumer<SocketChannel> route = client -> route(client, port.targetPort(), backends);
                if (was != null && was.port().targetPort() == port.targetPort()) {
                    was.listener().reroute(route);
                    next.put(port.port(), new Listening(port, was.hubPort(), was.listener()));
                    continue;
                }
                // the port the Service already names, so that a hub restart changes nothing for clients
                Integer named = hubPortByServicePort.get(port.port());
                int hubPort = named != null && (was != null && named == was.hubPort() || adopted.remove(named)
                        || ports.reserve(named)) ? named : ports.allocate();
                if (was != null && was.hubPort() == hubPort) {
                    was.listener().close();
                }
                Listening l = new Listening(port, hubPort, listen(hubPort, route));
                opened.add(l);
                next.put(port.port(), l);
            }
        } catch (RuntimeException e) {
            opened.forEach(this::stop); // nothing half-opened stays behind; the old listeners go on
            throw e;
        }
        current.forEach((servicePort, l) -> {
            Listening kept = next.get(servicePort);
            if (kept == null || kept.listener() != l.listener()) {
                if (kept == null || kept.hubPort() != l.hubPort()) {
                    stop(l);
                }
            }
        });
        byOwner.put(owner.getMetadata().getUid(), next);
        writeService(owner, ns, name, next.values().stream().toList());
        return Optional.empty();
    }

    /**
     * Stops listening for the owner and deletes its Service and EndpointSlice (the owner may live
     * on a while, waiting for its finalizer): no client keeps reaching a hub port that is handed
     * to someone else later.
     */
    public synchronized void withdraw(HasMetadata owner) {
        Map<Integer, Listening> listening = byOwner.remove(owner.getMetadata().getUid());
        String ns = owner.getMetadata().getNamespace();
        String name = SERVICE_PREFIX + owner.getMetadata().getName();
        if (DNS_1035_LABEL.matcher(name).matches()) {
            Service service = client.services().inNamespace(ns).withName(name).get();
            if (service != null && ownedBy(service, owner)) {
                client.services().inNamespace(ns).withName(name).delete();
            }
            EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace(ns).withName(name).get();
            if (slice != null && ownedBy(slice, owner)) {
                client.discovery().v1().endpointSlices().inNamespace(ns).withName(name).delete();
            }
        }
        if (listening != null) {
            listening.values().forEach(this::stop);
        }
    }

    /** Closes every listener (the hub stops); the Services stay for the next start. */
    public synchronized void close() {
        byOwner.values().forEach(m -> m.values().forEach(l -> l.listener().close()));
        byOwner.clear();
    }

    private void stop(Listening l) {
        l.listener().close();
        ports.release(l.hubPort());
    }

    private TunnelListener listen(int hubPort, Consumer<SocketChannel> route) {
        try {
            return new TunnelListener(settings.bindAddress(), hubPort, route);
        } catch (IOException e) {
            ports.release(hubPort);
            throw new UncheckedIOException("cannot listen on tunnel port " + hubPort, e);
        }
    }

    private void route(SocketChannel client, int targetPort, Backends backends) {
        Optional<Backend> backend = backends.next();
        if (backend.isEmpty()) {
            LOG.debug("no ready backend for a connection to container port {}: reset", targetPort);
            TunnelBroker.reset(client);
            return;
        }
        Backend b = backend.get();
        if (!workloads.tunnelAllowed(b.hostKey(), b.workload().getUid(), targetPort)) {
            LOG.warn("no tunnel to {}/{}:{}: that port is not declared on DockerHost {}", b.workload().getNamespace(),
                    b.workload().getName(), targetPort, b.hostKey());
            TunnelBroker.reset(client);
            return;
        }
        broker.open(b.hostKey(), b.workload(), targetPort, client);
    }

    private void writeService(HasMetadata owner, String ns, String name, List<Listening> listening) {
        boolean named = listening.size() == 1;
        OwnerReference ref = new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
                .build();
        Map<String, String> labels = Map.of(LABEL, "true", "app.kubernetes.io/managed-by", "kdop-hub");
        Service service = new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withOwnerReferences(ref)
                .endMetadata()
                .withNewSpec().withType("ClusterIP")
                .withPorts(listening.stream().sorted(java.util.Comparator.comparingInt(l -> l.port().port()))
                        .map(l -> new ServicePortBuilder().withName(portName(l.port(), named)).withProtocol("TCP")
                                .withPort(l.port().port()).withTargetPort(new IntOrString(l.hubPort())).build())
                        .toList())
                .endSpec().build();
        var services = client.services().inNamespace(ns);
        if (services.withName(name).get() == null) {
            services.resource(service).create();
        } else {
            // what kdop decides is put back if edited by hand; the cluster IP stays
            services.withName(name).edit(s -> new ServiceBuilder(s).editMetadata().addToLabels(labels)
                    .withOwnerReferences(ref).endMetadata().editSpec().withType("ClusterIP").withSelector(null)
                    .withPorts(service.getSpec().getPorts()).endSpec().build());
        }
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(Map.of("kubernetes.io/service-name", name, MANAGED_BY, HUB, LABEL, "true"))
                .withOwnerReferences(ref).endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses(settings.advertiseAddress()).withNewConditions().withReady(true)
                .endConditions().endEndpoint()
                .withPorts(listening.stream().map(l -> new EndpointPortBuilder().withName(portName(l.port(), named))
                        .withProtocol("TCP").withPort(l.hubPort()).build()).toList())
                .build();
        var slices = client.discovery().v1().endpointSlices().inNamespace(ns);
        if (slices.withName(name).get() == null) {
            slices.resource(slice).create();
        } else {
            slices.withName(name).edit(s -> new EndpointSliceBuilder(s).editMetadata()
                    .addToLabels(slice.getMetadata().getLabels()).withOwnerReferences(ref).endMetadata()
                    .withEndpoints(slice.getEndpoints()).withPorts(slice.getPorts()).build());
        }
    }

    /** Kubernetes wants a name on every port of a Service with several; a single port may have none. */
    private static String portName(Port port, boolean single) {
        if (port.name() != null && !port.name().isBlank()) {
            return port.name();
        }
        return single ? "" : "port-" + port.port();
    }

    private static boolean ownedBy(HasMetadata resource, HasMetadata owner) {
        return resource.getMetadata().getOwnerReferences() != null && resource.getMetadata().getOwnerReferences()
                .stream().anyMatch(r -> owner.getMetadata().getUid().equals(r.getUid()));
    }
}
