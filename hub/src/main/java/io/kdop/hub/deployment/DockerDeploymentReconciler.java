package io.kdop.hub.deployment;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerDeployment;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.GoDurations;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.events.KubeEvent;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each DockerDeployment's DockerContainers (its replicas) as many, where and of what
 * template its spec says, one step of a rollout per pass (RolloutPlan decides, this class reads
 * and writes), and its status as a Kubernetes Deployment's. The replicas themselves are run by the
 * DockerContainer controller like any other. Deleting a deployment deletes its replicas: the API
 * server's garbage collector would too (ownerReferences), but the hub does not count on one.
 */
@ControllerConfiguration(name = "dockerdeployment")
public final class DockerDeploymentReconciler implements Reconciler<DockerDeployment>, Cleaner<DockerDeployment> {

    private static final Logger LOG = LoggerFactory.getLogger(DockerDeploymentReconciler.class);
    /** Timers (minReadySeconds, failover, progress deadline) are checked at least this often. */
    private static final Duration RECHECK = Duration.ofSeconds(30);
    /** A pass that created replicas looks again this soon, to count them. */
    private static final Duration AFTER_CREATE = Duration.ofSeconds(1);
    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(600);
    private static final int MAX_REFUSAL = 300;

    private final DeploymentReplicas replicas;
    private final DeploymentHosts hosts;
    private final EventRecorder events;
    private final Clock clock;

    private final InformerCaches informers = new InformerCaches();

    public DockerDeploymentReconciler(KubernetesClient client, String hubNamespace, EventRecorder events, Clock clock) {
        this(client, hubNamespace, events, clock, null);
    }

    /** @param caches where passes read, or null for this controller's own informers (a test passes its own) */
    DockerDeploymentReconciler(KubernetesClient client, String hubNamespace, EventRecorder events, Clock clock,
            DeploymentCaches caches) {
        DeploymentCaches reads = caches == null ? informers : caches;
        this.replicas = new DeploymentReplicas(client, reads);
        this.hosts = new DeploymentHosts(reads, hubNamespace);
        this.events = events;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, DockerDeployment>> prepareEventSources(EventSourceContext<DockerDeployment> context) {
        // a replica that changes (status, an edit, deleted) wakes its deployment
        InformerEventSource<DockerContainer, DockerDeployment> owned = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DockerContainer.class, DockerDeployment.class)
                        .withName("owned-containers")
                        .withSecondaryToPrimaryMapper(dc -> owner(dc).map(Set::of).orElse(Set.of()))
                        .build(), context);
        // a host that connects, disconnects or is relabelled changes where replicas may go
        InformerEventSource<DockerHost, DockerDeployment> dockerHosts = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DockerHost.class, DockerDeployment.class)
                        .withName("deployment-hosts")
                        .withOnUpdateFilter(DeploymentHosts::placementChanged)
                        .withSecondaryToPrimaryMapper(host -> context.getPrimaryCache().list()
                                .map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .build(), context);
        // the same informers are what passes read: no list request per pass, however large the fleet
        informers.attach(owned, dockerHosts);
        return List.of(owned, dockerHosts);
    }

    @Override
    public UpdateControl<DockerDeployment> reconcile(DockerDeployment deployment, Context<DockerDeployment> context) {
        Instant now = clock.instant();
        long generation = Optional.ofNullable(deployment.getMetadata().getGeneration()).orElse(0L);
        DockerDeploymentSpec spec = deployment.getSpec();
        Optional<String> problem = DeploymentSpecCheck.problem(deployment.getMetadata().getName(), spec);
        List<DockerContainer> owned = replicas.owned(deployment);
        List<Replica> views = owned.stream().map(DeploymentReplicas::view).toList();
        if (problem.isPresent()) {
            // nothing is changed about the replicas while the spec is wrong
            return status(deployment, IgnoredFields.apply(DeploymentStatusRules.invalid(deployment.getStatus(), views,
                    spec, generation, problem.get(), now), spec, generation, now), Optional.empty());
        }
        String revision = ReplicaTemplate.revision(spec.template());
        int desired = spec.desiredReplicas();
        RolloutLimits limits = RolloutLimits.of(spec.strategy(), desired);
        Duration minReady = Duration.ofSeconds(spec.minReadySeconds() == null ? 0 : spec.minReadySeconds());
        String pinned = spec.template().spec().dockerHostRef();
        boolean selects = (pinned == null || pinned.isBlank()) && spec.placement() != null
                && spec.placement().hostSelector() != null;
        List<HostOption> options = selects
                ? hosts.matching(deployment.getMetadata().getNamespace(), spec.placement().hostSelector())
                : List.of(DeploymentHosts.pinned(pinned == null || pinned.isBlank() ? "default" : pinned));
        Optional<Duration> failover = selects && spec.hostFailureTimeout() != null
                ? Optional.of(GoDurations.parse(spec.hostFailureTimeout())) : Optional.empty();
        RolloutPlan.Decision decision = RolloutPlan.decide(new RolloutPlan.Input(desired, revision, limits, minReady,
                failover, Optional.ofNullable(spec.placement()).map(p -> p.maxPerHost()), options, views, now));

        Optional<String> refused = Optional.empty();
        try {
            apply(deployment, revision, owned, decision);
        } catch (KubernetesClientException e) {
            LOG.warn("DockerDeployment {}/{}: cannot change its replicas: {}", deployment.getMetadata().getNamespace(),
                    deployment.getMetadata().getName(), e.getMessage());
            // in the status too: a refusal that repeats every pass is otherwise a rollout stuck without a reason
            refused = Optional.of(refusal(e));
        }
        DeploymentStatusRules.Facts facts = new DeploymentStatusRules.Facts(desired, revision, limits, minReady,
                deployment.getSpec().progressDeadlineSeconds() == null ? DEFAULT_DEADLINE
                        : Duration.ofSeconds(deployment.getSpec().progressDeadlineSeconds()),
                views, owned, decision, SelectorText.of(spec.selector()), generation,
                selects ? Optional.of(SelectorText.of(spec.placement().hostSelector())) : Optional.empty(), options,
                refused);
        DockerDeploymentStatus status = IgnoredFields.apply(DeploymentStatusRules.compute(facts, deployment.getStatus(),
                now), spec, generation, now);
        Duration next = DeploymentStatusRules.nextCheck(facts, options, failover, status, now);
        // JOSDK drops the watch event of a replica this pass created (it is in the temporary cache
        // already), so nothing else would wake the deployment to count it in its status
        return status(deployment, status, Optional.of(decision.create().isEmpty() || next.compareTo(AFTER_CREATE) < 0
                ? next : AFTER_CREATE));
    }

    private void apply(DockerDeployment deployment, String revision, List<DockerContainer> owned,
            RolloutPlan.Decision decision) {
        Map<String, DockerContainer> byName = owned.stream()
                .collect(Collectors.toMap(dc -> dc.getMetadata().getName(), dc -> dc));
        for (DockerContainer dc : owned) {
            if (dc.getMetadata().getDeletionTimestamp() == null && !decision.delete().contains(dc.getMetadata().getName())
                    && revision.equals(DeploymentReplicas.view(dc).revision())) {
                replicas.repair(deployment, revision, dc);
            }
        }
        List<KubeEvent> told = new ArrayList<>();
        if (!decision.failedOver().isEmpty()) {
            String message = "the hosts of " + String.join(", ", decision.failedOver()) + " have been Disconnected "
                    + "longer than spec.hostFailureTimeout; starting replicas on other hosts";
            LOG.info("DockerDeployment {}/{}: {}", deployment.getMetadata().getNamespace(),
                    deployment.getMetadata().getName(), message);
            told.add(new KubeEvent(KubeEvent.Type.Warning, "HostFailover", message));
        }
        for (String name : decision.delete()) {
            replicas.delete(byName.get(name));
            told.add(new KubeEvent(KubeEvent.Type.Normal, "ReplicaDeleted", "deleted replica " + name));
        }
        Set<String> taken = DeploymentReplicas.names(owned);
        for (String host : decision.create()) {
            replicas.create(deployment, revision, taken, host).ifPresent(name -> told.add(new KubeEvent(
                    KubeEvent.Type.Normal, "ReplicaCreated", "created replica " + name + " on DockerHost " + host)));
        }
        events.record(deployment, told);
    }

    private UpdateControl<DockerDeployment> status(DockerDeployment deployment, DockerDeploymentStatus status,
            Optional<Duration> next) {
        UpdateControl<DockerDeployment> control;
        if (status.equals(deployment.getStatus())) {
            control = UpdateControl.noUpdate();
        } else {
            deployment.setStatus(status);
            control = UpdateControl.patchStatus(deployment);
        }
        return control.rescheduleAfter(next.orElse(RECHECK));
    }

    @Override
    public DeleteControl cleanup(DockerDeployment deployment, Context<DockerDeployment> context) {
        // each replica then leaves its host through the DockerContainer controller's own finalizer
        for (DockerContainer dc : replicas.owned(deployment)) {
            if (dc.getMetadata().getDeletionTimestamp() == null) {
                replicas.delete(dc);
            }
        }
        return DeleteControl.defaultDelete();
    }

    /** The API server's own words when it gave them (they name the field), else the client's; bounded for a status. */
    private static String refusal(KubernetesClientException e) {
        String text = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : String.valueOf(e.getMessage());
        return "HTTP " + e.getCode() + ": " + (text.length() > MAX_REFUSAL ? text.substring(0, MAX_REFUSAL) + "..." : text);
    }

    private static Optional<ResourceID> owner(DockerContainer dc) {
        return DeploymentReplicas.controller(dc).map(r -> new ResourceID(r.getName(), dc.getMetadata().getNamespace()));
    }
}
