package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerDeployment;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DockerContainers a deployment owns: read from the caches, created, deleted and put back when
 * edited through the API. Owned means an ownerReference to the deployment's uid with controller=true, which is
 * also what lets Kubernetes' garbage collector remove them with the deployment.
 */
final class DeploymentReplicas {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentReplicas.class);

    private final KubernetesClient client;
    private final DeploymentCaches caches;

    DeploymentReplicas(KubernetesClient client, DeploymentCaches caches) {
        this.client = client;
        this.caches = caches;
    }

    List<DockerContainer> owned(DockerDeployment deployment) {
        String uid = deployment.getMetadata().getUid();
        return caches.containers(deployment.getMetadata().getNamespace()).stream()
                .filter(dc -> controllerUid(dc).filter(uid::equals).isPresent())
                .sorted(java.util.Comparator.comparing(dc -> dc.getMetadata().getName()))
                .toList();
    }

    /** The uid of the deployment that controls this container, if one does. */
    static Optional<String> controllerUid(DockerContainer container) {
        return controller(container).map(OwnerReference::getUid);
    }

    /** The ownerReference of the DockerDeployment that controls this container, if one does. */
    static Optional<OwnerReference> controller(DockerContainer container) {
        List<OwnerReference> refs = container.getMetadata().getOwnerReferences();
        return refs == null ? Optional.empty() : refs.stream()
                .filter(r -> Boolean.TRUE.equals(r.getController()) && "DockerDeployment".equals(r.getKind()))
                .findFirst();
    }

    /** The decisions' view of a replica: Ready counts only when the status describes the current spec. */
    static Replica view(DockerContainer container) {
        DockerContainerStatus status = container.getStatus();
        // as the DockerContainer controller counts it: no generation is generation 0
        long generation = Optional.ofNullable(container.getMetadata().getGeneration()).orElse(0L);
        Optional<java.time.Instant> readySince = status == null
                || !Objects.equals(status.observedGeneration(), generation) ? Optional.empty()
                : Conditions.find(status.conditions(), Conditions.READY).filter(c -> "True".equals(c.getStatus()))
                        .flatMap(c -> Timestamps.parse(c.getLastTransitionTime()));
        Map<String, String> labels = container.getMetadata().getLabels() == null ? Map.of()
                : container.getMetadata().getLabels();
        String host = container.getSpec() == null ? null : container.getSpec().dockerHostRef();
        return new Replica(container.getMetadata().getName(), labels.getOrDefault(ReplicaTemplate.REVISION_LABEL, ""),
                host == null ? "" : host, container.getMetadata().getDeletionTimestamp() != null, readySince);
    }

    /**
     * Creates a replica of the template on a host: its name, or empty when that name exists
     * already. Names are deterministic, so a 409 is most often this deployment's own replica that
     * the cache did not show yet: it is already there, and creating it under another name would
     * make one replica too many (the next pass, with the cache caught up, sees it).
     */
    Optional<String> create(DockerDeployment deployment, String revision, Set<String> takenNames, String host) {
        String name = freeName(deployment.getMetadata().getName(), revision, takenNames);
        takenNames.add(name);
        DeploymentTemplate template = deployment.getSpec().template();
        DockerContainer replica = new DockerContainer();
        replica.getMetadata().setName(name);
        replica.getMetadata().setNamespace(deployment.getMetadata().getNamespace());
        replica.getMetadata().setLabels(ReplicaTemplate.labels(template, deployment.getMetadata().getName(), revision));
        replica.getMetadata().setAnnotations(annotations(template, host));
        replica.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                .withApiVersion(deployment.getApiVersion()).withKind(deployment.getKind())
                .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build()));
        replica.setSpec(ReplicaTemplate.specOn(template, host));
        try {
            caches.created(client.resource(replica).create());
            return Optional.of(name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.info("DockerContainer {}/{} exists already; counted as there (the cache had not shown it yet)",
                    deployment.getMetadata().getNamespace(), name);
            return Optional.empty();
        }
    }

    void delete(DockerContainer replica) {
        client.resource(replica).delete();
    }

    /**
     * Puts back a replica of the current template that someone edited: its spec, the host it was
     * placed on, its labels. Returns whether it had to.
     */
    boolean repair(DockerDeployment deployment, String revision, DockerContainer replica) {
        DeploymentTemplate template = deployment.getSpec().template();
        Map<String, String> annotations = replica.getMetadata().getAnnotations() == null ? Map.of()
                : replica.getMetadata().getAnnotations();
        String host = annotations.getOrDefault(ReplicaTemplate.PLACED_ON_ANNOTATION,
                replica.getSpec() == null ? null : replica.getSpec().dockerHostRef());
        DockerContainerSpec wanted = ReplicaTemplate.specOn(template, host);
        Map<String, String> wantedLabels = ReplicaTemplate.labels(template, deployment.getMetadata().getName(), revision);
        Map<String, String> wantedAnnotations = annotations(template, host);
        Map<String, String> labels = replica.getMetadata().getLabels() == null ? Map.of()
                : replica.getMetadata().getLabels();
        boolean specOk = wanted.equals(replica.getSpec());
        boolean labelsOk = labels.entrySet().containsAll(wantedLabels.entrySet());
        boolean annotationsOk = annotations.entrySet().containsAll(wantedAnnotations.entrySet());
        if (specOk && labelsOk && annotationsOk) {
            return false;
        }
        LOG.info("DockerContainer {}/{} was edited; putting back its deployment's template",
                replica.getMetadata().getNamespace(), replica.getMetadata().getName());
        client.resources(DockerContainer.class).inNamespace(replica.getMetadata().getNamespace())
                .withName(replica.getMetadata().getName()).edit(dc -> {
                    dc.setSpec(wanted);
                    Map<String, String> l = new HashMap<>(dc.getMetadata().getLabels() == null ? Map.of()
                            : dc.getMetadata().getLabels());
                    l.putAll(wantedLabels);
                    dc.getMetadata().setLabels(l);
                    Map<String, String> a = new HashMap<>(dc.getMetadata().getAnnotations() == null ? Map.of()
                            : dc.getMetadata().getAnnotations());
                    a.putAll(wantedAnnotations);
                    dc.getMetadata().setAnnotations(a);
                    return dc;
                });
        return true;
    }

    private static Map<String, String> annotations(DeploymentTemplate template, String host) {
        Map<String, String> annotations = new HashMap<>();
        if (template.metadata() != null && template.metadata().annotations() != null) {
            annotations.putAll(template.metadata().annotations());
        }
        annotations.put(ReplicaTemplate.PLACED_ON_ANNOTATION, host);
        return annotations;
    }

    private static String freeName(String deployment, String revision, Set<String> taken) {
        for (int ordinal = 0; ; ordinal++) {
            String name = ReplicaTemplate.name(deployment, revision, ordinal);
            if (!taken.contains(name)) {
                return name;
            }
        }
    }

    static Set<String> names(List<DockerContainer> replicas) {
        Set<String> names = new HashSet<>();
        replicas.forEach(r -> names.add(r.getMetadata().getName()));
        return names;
    }
}
