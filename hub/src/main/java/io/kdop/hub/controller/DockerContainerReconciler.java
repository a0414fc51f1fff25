package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.container.ContainerTranslator;
import io.kdop.hub.container.SpecProblem;
import io.kdop.hub.container.Translation;
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.events.LastWritten;
import io.kdop.hub.events.StatusEvents;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.v1.ContainerSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each DockerContainer's resolved spec in its host's desired state and its status true.
 * A spec that cannot be resolved never reaches the agent: the last valid one keeps running and
 * the Ready condition says what is wrong. Deleting the resource waits (finalizer) until the
 * agent reports the container gone, or at once when the host itself is gone.
 */
@ControllerConfiguration(name = "dockercontainer")
public final class DockerContainerReconciler implements Reconciler<DockerContainer>, Cleaner<DockerContainer> {

    private static final Logger LOG = LoggerFactory.getLogger(DockerContainerReconciler.class);

    private final KubernetesClient client;
    private final HostLookup hosts;
    private final HostWorkloads workloads;
    private final WorkloadReports reports;
    private final SimpleInboundEventSource<DockerContainer> reportEvents;
    private final Clock clock;
    private final EventRecorder events;
    private final LastWritten<DockerContainerStatus> written = new LastWritten<>();
    private final WorkloadFinalizer finalizer;
    private final ContainerServices tunnels;
    private final HostPolicyGate policies;

    public DockerContainerReconciler(KubernetesClient client, String hubNamespace, HostWorkloads workloads,
            WorkloadReports reports, SimpleInboundEventSource<DockerContainer> reportEvents, EventRecorder events,
            ServiceTunnels tunnels, Clock clock) {
        this.events = events;
        this.tunnels = new ContainerServices(tunnels, workloads);
        this.client = client;
        this.hosts = new HostLookup(client, hubNamespace);
        this.workloads = workloads;
        this.reports = reports;
        this.reportEvents = reportEvents;
        this.clock = clock;
        this.finalizer = new WorkloadFinalizer(hosts, workloads, reports);
        this.policies = new HostPolicyGate(workloads);
    }

    @Override
    public List<EventSource<?, DockerContainer>> prepareEventSources(EventSourceContext<DockerContainer> context) {
        // A changed Secret re-resolves every DockerContainer of its namespace that references it.
        InformerEventSource<Secret, DockerContainer> secrets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Secret.class, DockerContainer.class)
                        .withName("referenced-secrets")
                        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                                .list(secret.getMetadata().getNamespace())
                                .filter(dc -> dc.getSpec() != null && ContainerTranslator.referencedSecrets(dc.getSpec())
                                        .contains(secret.getMetadata().getName()))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(), context);
        // A host that appears, connects or disconnects changes the status of the containers placed on it.
        InformerEventSource<DockerHost, DockerContainer> dockerHosts = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DockerHost.class, DockerContainer.class)
                        .withName("docker-hosts")
                        .withSecondaryToPrimaryMapper(host -> context.getPrimaryCache().list()
                                .filter(dc -> hosts.refersTo(dc, host))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(), context);
        return List.of(reportEvents, secrets, dockerHosts);
    }

    @Override
    public UpdateControl<DockerContainer> reconcile(DockerContainer container, Context<DockerContainer> context) {
        long generation = Optional.ofNullable(container.getMetadata().getGeneration()).orElse(0L);
        Outcome outcome = place(container);
        boolean direct = outcome.host().filter(HostLookup::isDirect).isPresent();
        if (outcome.problem().isEmpty()) {
            Optional<SpecProblem> serviceProblem = tunnels.expose(container);
            if (serviceProblem.isPresent()) {
                outcome = new Outcome(outcome.hostKey(), outcome.host(), serviceProblem, outcome.placedRevision(),
                        outcome.spec());
            }
        }
        String hostPhase = outcome.host().map(DockerHost::getStatus).map(s -> s.getPhase()).orElse(null);
        DockerContainerStatus status = ContainerStatusRules.compute(new ContainerStatusRules.Facts(generation,
                outcome.hostKey(), outcome.host().isPresent(), hostPhase, outcome.problem(), outcome.placedRevision(),
                reports.status(outcome.hostKey(), container.getMetadata().getUid()), container.getStatus(),
                outcome.host().isPresent() ? null : hosts.notFound(container)),
                clock.instant());
        status = ContainerServices.withService(status, container, clock.instant());
        if (direct) {
            status = ContainerServices.onDirectHost(status, container, outcome.spec(),
                    HostLookup.directAddress(outcome.host().get()), clock.instant());
        }
        if (status.equals(container.getStatus())) {
            // what is stored is what was last told about, should an earlier patch have failed
            written.wrote(container.getMetadata().getUid(), status);
            return UpdateControl.noUpdate();
        }
        String uid = container.getMetadata().getUid();
        LOG.debug("status of DockerContainer {}/{} (generation {}): {} {} {}", container.getMetadata().getNamespace(),
                container.getMetadata().getName(), generation, status.phase(), status.containerID(), status.message());
        events.record(container, StatusEvents.ofContainer(written.before(uid, container.getStatus()), status));
        written.wrote(uid, status);
        container.setStatus(status);
        return UpdateControl.patchStatus(container);
    }

    /**
     * Puts an existing container into its host's desired state, before the hub serves any agent:
     * an agent that reconnects right after a hub restart must get its full desired state, never
     * an empty one that would make it remove healthy containers. Callers go oldest first, across
     * kinds, as the oldest most likely claimed their container names at run time too.
     */
    public void warmUp(DockerContainer container) {
        if (container.getMetadata().getDeletionTimestamp() == null) {
            if (place(container).problem().isEmpty()) {
                tunnels.expose(container);
            }
        }
    }

    /** Where a container was placed, or why it could not be. */
    private record Outcome(String hostKey, Optional<DockerHost> host, Optional<SpecProblem> problem, long placedRevision,
            Optional<ContainerSpec> spec) {

        Outcome(String hostKey, Optional<DockerHost> host, Optional<SpecProblem> problem, long placedRevision) {
            this(hostKey, host, problem, placedRevision, Optional.empty());
        }
    }

    private Outcome place(DockerContainer container) {
        Optional<DockerHost> host = hosts.find(container);
        String hostKey = host.map(HostLookup::key).orElseGet(() -> hosts.wantedKey(container));
        if (host.isEmpty()) {
            // Nothing is taken off a host because a reference does not resolve (a typo, a host
            // being deleted): what runs keeps running, and the status says why nothing changes.
            return new Outcome(hostKey, host, Optional.empty(), 0);
        }
        Optional<SpecProblem> notTaken = policies.namespaceRefusal(hostKey, host.get(), container);
        if (notTaken.isPresent()) {
            return new Outcome(hostKey, host, notTaken, 0);
        }
        Translation translation = ContainerTranslator.translate(container, SecretData.fetch(client,
                container.getMetadata().getNamespace(), ContainerTranslator.referencedSecrets(container.getSpec())));
        return switch (translation) {
            case Translation.Invalid invalid -> {
                workloads.retain(hostKey, WorkloadRefs.of(container));
                yield new Outcome(hostKey, host, Optional.of(invalid.summary()), 0);
            }
            case Translation.Valid valid -> {
                Optional<SpecProblem> refused = policies.refusal(hostKey, host.get(), valid.spec())
                        .or(() -> HostLookup.isDirect(host.get()) ? DirectHostLimits.refusal(hostKey,
                                host.get().getMetadata().getNamespace(), container.getMetadata().getNamespace(),
                                valid.spec()) : Optional.empty());
                if (refused.isPresent()) {
                    yield new Outcome(hostKey, host, refused, 0);
                }
                yield switch (workloads.place(hostKey, valid.spec())) {
                    case HostWorkloads.Placement.Placed placed ->
                            new Outcome(hostKey, host, Optional.empty(), placed.revision(), Optional.of(valid.spec()));
                    case HostWorkloads.Placement.NameTaken taken -> {
                        // a container this workload may already run stays as it is
                        workloads.retain(hostKey, WorkloadRefs.of(container));
                        yield new Outcome(hostKey, host, Optional.of(SpecProblem.of("ContainerNameConflict",
                                "another workload on DockerHost " + hostKey + " already uses the container name "
                                        + valid.spec().getContainerName()
                                        + "; give one of them another spec.containerName")), 0);
                    }
                };
            }
        };
    }

    @Override
    public DeleteControl cleanup(DockerContainer container, Context<DockerContainer> context) {
        written.forget(container.getMetadata().getUid());
        tunnels.withdraw(container);
        return finalizer.cleanup(container);
    }
}
