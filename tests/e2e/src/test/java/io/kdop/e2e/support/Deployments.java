package io.kdop.e2e.support;


import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerDeployment;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.deployment.DeploymentPlacement;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import io.kdop.hub.api.deployment.TemplateMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** What a user does with kubectl about DockerDeployments (and labelled DockerHosts), against the API stand-in. */
public final class Deployments {

    private final KubernetesClient client;

    public Deployments(KubernetesClient client) {
        this.client = client;
    }

    /** kubectl apply of a DockerHost with labels, in the edge namespace. */
    public void createHost(String name, Map<String, String> labels) {
        DockerHost host = new DockerHost();
        host.getMetadata().setName(name);
        host.getMetadata().setNamespace(Cluster.NS);
        host.getMetadata().setLabels(labels);
        host.setSpec(new DockerHostSpec());
        client.resource(host).create();
    }

    /** A spec spreading replicas of the container over the hosts labelled pool=POOL. */
    public static DockerDeploymentSpec spec(String app, int replicas, String pool, DockerContainerSpec container,
            DeploymentStrategy strategy, Integer progressDeadlineSeconds, String hostFailureTimeout) {
        return new DockerDeploymentSpec(replicas, new LabelSelectorBuilder().withMatchLabels(Map.of("app", app)).build(),
                new DeploymentTemplate(new TemplateMetadata(Map.of("app", app), null), container),
                new DeploymentPlacement(new LabelSelectorBuilder().withMatchLabels(Map.of("pool", pool)).build(), null),
                strategy, null, progressDeadlineSeconds, hostFailureTimeout);
    }

    /** kubectl apply (create or replace the spec). */
    public void apply(String name, DockerDeploymentSpec spec) {
        DockerDeployment d = new DockerDeployment();
        d.getMetadata().setName(name);
        d.getMetadata().setNamespace(Cluster.NS);
        d.setSpec(spec);
        DockerDeployment existing = get(name);
        if (existing == null) {
            client.resource(d).create();
        } else {
            client.resources(DockerDeployment.class).inNamespace(Cluster.NS).withName(name).edit(e -> {
                e.setSpec(spec);
                return e;
            });
        }
    }

    /** kubectl scale dockerdeployment NAME --replicas=N: a merge patch of spec.replicas. */
    public void scale(String name, int replicas) {
        client.resources(DockerDeployment.class).inNamespace(Cluster.NS).withName(name).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    public void delete(String name) {
        client.resources(DockerDeployment.class).inNamespace(Cluster.NS).withName(name).delete();
    }

    public DockerDeployment get(String name) {
        return client.resources(DockerDeployment.class).inNamespace(Cluster.NS).withName(name).get();
    }

    public DockerDeploymentStatus await(String name, String description, Predicate<DockerDeploymentStatus> condition,
            Duration timeout) {
        org.awaitility.Awaitility.await("DockerDeployment " + name + " " + description).atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> Optional.ofNullable(get(name)).map(DockerDeployment::getStatus).filter(condition).isPresent());
        return get(name).getStatus();
    }

    /** Settled: spec.replicas replicas, all of the current template, all available, nothing else left. */
    public static Predicate<DockerDeploymentStatus> settled(int replicas) {
        return s -> s.replicas() != null && s.replicas() == replicas && s.updatedReplicas() == replicas
                && s.availableReplicas() == replicas && s.readyReplicas() == replicas;
    }

    /** The replicas the deployment owns (by owner reference), not being deleted. */
    public List<DockerContainer> replicas(String name) {
        DockerDeployment d = get(name);
        return client.resources(DockerContainer.class).inNamespace(Cluster.NS).list().getItems().stream()
                .filter(dc -> dc.getMetadata().getDeletionTimestamp() == null)
                .filter(dc -> dc.getMetadata().getOwnerReferences() != null && dc.getMetadata().getOwnerReferences()
                        .stream().anyMatch(r -> d != null && r.getUid().equals(d.getMetadata().getUid())))
                .toList();
    }

    /** Replicas whose Ready condition is True, as kubectl get dockercontainers shows them. */
    public long readyReplicas(String name) {
        return replicas(name).stream().filter(dc -> dc.getStatus() != null && Conditions.find(dc.getStatus().conditions(),
                Conditions.READY).map(c -> "True".equals(c.getStatus())).orElse(false)).count();
    }

    public static String condition(DockerDeploymentStatus status, String type) {
        return Conditions.find(status.conditions(), type).map(c -> c.getStatus() + " " + c.getReason() + ": "
                + c.getMessage()).orElse("");
    }
}
