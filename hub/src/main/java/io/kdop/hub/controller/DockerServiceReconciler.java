package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerService;
import io.kdop.hub.api.service.DockerServiceSpec;
import io.kdop.hub.api.service.DockerServiceStatus;
import io.kdop.hub.container.ServicePorts;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.proto.v1.WorkloadRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Keeps each DockerService's Service tunnel-NAME: its ports lead to the matching DockerContainers
 * (by containerRef or label selector, in the DockerService's namespace, on any host), each new
 * connection to the next one that is ready at that instant. The matching containers' ports are
 * declared to their hosts' agents; the status lists the backends and how many are ready.
 */
@ControllerConfiguration(name = "dockerservice")
public final class DockerServiceReconciler implements Reconciler<DockerService>, Cleaner<DockerService> {

    /** The status counts are refreshed this often even when nothing is written about the containers. */
    private static final Duration STATUS_REFRESH = Duration.ofSeconds(10);

    private final ServiceTunnels tunnels;
    private final HostWorkloads workloads;
    private final BiFunction<String, String, Optional<String>> notReady;
    private final Clock clock;
    /** The container uids each DockerService declared ports for, to withdraw the ones that stop matching. */
    private final Map<String, Set<String>> declared = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> turns = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param notReady for a (host key, workload uid): why it gets no connection at this instant, or empty
     */
    public DockerServiceReconciler(ServiceTunnels tunnels, HostWorkloads workloads,
            BiFunction<String, String, Optional<String>> notReady, Clock clock) {
        this.tunnels = tunnels;
        this.workloads = workloads;
        this.notReady = notReady;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, DockerService>> prepareEventSources(EventSourceContext<DockerService> context) {
        // a container that appears, changes labels or status, or goes, changes the services selecting it
        InformerEventSource<DockerContainer, DockerService> containers = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DockerContainer.class, DockerService.class)
                        .withName("selected-containers")
                        .withSecondaryToPrimaryMapper(dc -> context.getPrimaryCache()
                                .list(dc.getMetadata().getNamespace())
                                .filter(s -> s.getSpec() != null && selects(s.getSpec(), dc))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(), context);
        return List.of(containers);
    }

    @Override
    public UpdateControl<DockerService> reconcile(DockerService service, Context<DockerService> context) {
        long generation = Optional.ofNullable(service.getMetadata().getGeneration()).orElse(0L);
        DockerServiceSpec spec = service.getSpec();
        String source = source(service);
        List<io.kdop.hub.api.container.ServicePort> entries = spec == null ? null : spec.ports();
        ServicePorts.Result ports = ServicePorts.of("spec.ports", entries);
        String problem = spec == null || spec.containerRef() == null && spec.selector() == null
                ? "set spec.containerRef (one DockerContainer) or spec.selector (DockerContainers by label)"
                : entries == null || entries.isEmpty() ? "spec.ports is empty: there is nothing to expose"
                : ports instanceof ServicePorts.Result.Invalid invalid ? invalid.problem().message() : null;
        if (problem != null) {
            withdrawAll(service);
            return status(service, null, List.of(), generation, "InvalidSpec", problem);
        }
        List<ServicePorts.Port> wanted = ((ServicePorts.Result.Valid) ports).ports();
        List<DockerContainer> matching;
        try {
            matching = context.getSecondaryResources(DockerContainer.class).stream()
                    .filter(dc -> dc.getMetadata().getDeletionTimestamp() == null && selects(spec, dc))
                    .sorted(java.util.Comparator.comparing(dc -> dc.getMetadata().getName()))
                    .toList();
        } catch (IllegalArgumentException badSelector) {
            withdrawAll(service);
            return status(service, null, List.of(), generation, "InvalidSpec", "spec.selector: " + badSelector.getMessage());
        }
        declare(source, matching, wanted);

        List<Candidate> candidates = matching.stream().map(dc -> new Candidate(dc.getMetadata().getUid(),
                WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace(dc.getMetadata().getNamespace())
                        .setName(dc.getMetadata().getName()).setUid(dc.getMetadata().getUid()).build())).toList();
        AtomicInteger turn = turns.computeIfAbsent(service.getMetadata().getUid(), k -> new AtomicInteger());
        Optional<String> exposeProblem;
        try {
            exposeProblem = tunnels.expose(service, wanted, () -> next(candidates, turn));
        } catch (io.fabric8.kubernetes.client.KubernetesClientException | java.io.UncheckedIOException
                | IllegalStateException e) {
            return status(service, null, List.of(), generation, "ServiceFailed", "cannot write Service tunnel-"
                    + service.getMetadata().getName() + ": " + e.getMessage());
        }
        if (exposeProblem.isPresent()) {
            return status(service, null, List.of(), generation, "ServiceNameTaken", exposeProblem.get());
        }
        List<DockerServiceStatus.Backend> backends = new ArrayList<>();
        for (Candidate c : candidates) {
            Optional<String> host = workloads.hostOf(c.uid());
            Optional<String> why = host.isEmpty() ? Optional.of("NotPlaced") : notReady.apply(host.get(), c.uid());
            backends.add(new DockerServiceStatus.Backend(c.ref().getName(), host.orElse(null), why.isEmpty(),
                    why.orElse(null)));
        }
        long ready = backends.stream().filter(DockerServiceStatus.Backend::ready).count();
        String reason = matching.isEmpty() ? "NoMatchingContainer" : ready == 0 ? "NoReadyBackend" : "BackendsReady";
        String message = matching.isEmpty() ? "no DockerContainer in " + service.getMetadata().getNamespace()
                + " matches; connections are reset" : ready == 0 ? "none of the " + matching.size()
                + " matching DockerContainers is ready; connections are reset"
                : ready + " of " + matching.size() + " backends get connections";
        return status(service, ServiceTunnels.SERVICE_PREFIX + service.getMetadata().getName(), backends, generation,
                reason, message);
    }

    /** A matching container: where connections may go when it is ready. */
    private record Candidate(String uid, WorkloadRef ref) {}

    /** The next ready candidate after the last one chosen (round-robin), evaluated at this instant. */
    private Optional<ServiceTunnels.Backend> next(List<Candidate> candidates, AtomicInteger turn) {
        for (int tried = 0; tried < candidates.size(); tried++) {
            Candidate c = candidates.get(Math.floorMod(turn.getAndIncrement(), candidates.size()));
            Optional<String> host = workloads.hostOf(c.uid());
            if (host.isPresent() && notReady.apply(host.get(), c.uid()).isEmpty()) {
                return Optional.of(new ServiceTunnels.Backend(host.get(), c.ref()));
            }
        }
        return Optional.empty();
    }

    private void declare(String source, List<DockerContainer> matching, List<ServicePorts.Port> ports) {
        List<Integer> targetPorts = ports.stream().map(ServicePorts.Port::targetPort).toList();
        Set<String> now = new HashSet<>();
        for (DockerContainer dc : matching) {
            workloads.declareTunnelPorts(source, dc.getMetadata().getUid(), targetPorts);
            now.add(dc.getMetadata().getUid());
        }
        Set<String> before = declared.getOrDefault(source, Set.of());
        before.stream().filter(uid -> !now.contains(uid)).forEach(uid -> workloads.declareTunnelPorts(source, uid, List.of()));
        declared.put(source, now);
    }

    private void withdrawAll(DockerService service) {
        String source = source(service);
        declared.getOrDefault(source, Set.of()).forEach(uid -> workloads.declareTunnelPorts(source, uid, List.of()));
        declared.remove(source);
        tunnels.withdraw(service);
    }

    private UpdateControl<DockerService> status(DockerService service, String serviceName,
            List<DockerServiceStatus.Backend> backends, long generation, String reason, String message) {
        DockerServiceStatus before = service.getStatus();
        long ready = backends.stream().filter(DockerServiceStatus.Backend::ready).count();
        boolean isReady = ready > 0;
        DockerServiceStatus status = new DockerServiceStatus(serviceName, ready + "/" + backends.size(),
                backends.isEmpty() ? null : backends, generation,
                Conditions.with(before == null || before.conditions() == null ? List.of() : before.conditions(), Conditions.READY, isReady, reason, message,
                        generation, clock.instant()));
        UpdateControl<DockerService> control;
        if (status.equals(before)) {
            control = UpdateControl.noUpdate();
        } else {
            service.setStatus(status);
            control = UpdateControl.patchStatus(service);
        }
        return control.rescheduleAfter(STATUS_REFRESH);
    }

    @Override
    public DeleteControl cleanup(DockerService service, Context<DockerService> context) {
        withdrawAll(service);
        turns.remove(service.getMetadata().getUid());
        return DeleteControl.defaultDelete();
    }

    static boolean selects(DockerServiceSpec spec, DockerContainer container) {
        if (spec.containerRef() != null && !spec.containerRef().isBlank()) {
            return spec.containerRef().equals(container.getMetadata().getName());
        }
        LabelSelector selector = spec.selector();
        return selector != null && LabelSelectors.matches(selector, container.getMetadata().getLabels());
    }

    private static String source(DockerService service) {
        return "DockerService " + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    }
}
