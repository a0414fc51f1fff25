package io.kdop.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.job.DockerJobSpec;
import io.kdop.hub.api.job.DockerJobStatus;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerHostStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Predicate;

/** What a user does with kubectl, against the API stand-in. */
public final class Cluster {

    public static final String NS = "edge";
    private final KubernetesClient client;

    public Cluster(KubernetesClient client) {
        this.client = client;
        for (String ns : new String[] {NS, HubProcess.NAMESPACE}) {
            if (client.namespaces().withName(ns).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                        .create();
            }
        }
    }

    public KubernetesClient client() {
        return client;
    }

    /** kubectl apply of a DockerHost in the edge namespace. */
    public DockerHost createHost(String name, String joinTokenTtl) {
        DockerHost host = new DockerHost();
        host.getMetadata().setName(name);
        host.getMetadata().setNamespace(NS);
        DockerHostSpec spec = new DockerHostSpec();
        spec.setJoinTokenTTL(joinTokenTtl);
        host.setSpec(spec);
        return client.resource(host).create();
    }

    public void deleteHost(String name) {
        client.resources(DockerHost.class).inNamespace(NS).withName(name).delete();
        await("DockerHost " + name + " gone").atMost(Duration.ofSeconds(30))
                .until(() -> client.resources(DockerHost.class).inNamespace(NS).withName(name).get() == null);
    }

    /** kubectl apply of a DockerContainer in the edge namespace (create or replace its spec). */
    public DockerContainer apply(String name, DockerContainerSpec spec) {
        DockerContainer existing = client.resources(DockerContainer.class).inNamespace(NS).withName(name).get();
        if (existing == null) {
            DockerContainer dc = new DockerContainer();
            dc.getMetadata().setName(name);
            dc.getMetadata().setNamespace(NS);
            dc.setSpec(spec);
            return client.resource(dc).create();
        }
        return client.resources(DockerContainer.class).inNamespace(NS).withName(name).edit(dc -> {
            dc.setSpec(spec);
            return dc;
        });
    }

    /** kubectl apply of a DockerContainer with labels (what a DockerService selects by). */
    public DockerContainer apply(String name, java.util.Map<String, String> labels, DockerContainerSpec spec) {
        DockerContainer dc = new DockerContainer();
        dc.getMetadata().setName(name);
        dc.getMetadata().setNamespace(NS);
        dc.getMetadata().setLabels(labels);
        dc.setSpec(spec);
        return client.resource(dc).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    /** kubectl apply of a DockerService in the edge namespace. */
    public io.kdop.hub.api.DockerService applyService(String name, io.kdop.hub.api.service.DockerServiceSpec spec) {
        io.kdop.hub.api.DockerService service = new io.kdop.hub.api.DockerService();
        service.getMetadata().setName(name);
        service.getMetadata().setNamespace(NS);
        service.setSpec(spec);
        return client.resource(service).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    public io.kdop.hub.api.DockerService service(String name) {
        return client.resources(io.kdop.hub.api.DockerService.class).inNamespace(NS).withName(name).get();
    }

    public DockerContainer container(String name) {
        return client.resources(DockerContainer.class).inNamespace(NS).withName(name).get();
    }

    /** kubectl delete dockercontainer NAME, waiting until it is gone (its finalizer released). */
    public void deleteContainer(String name, Duration timeout) {
        client.resources(DockerContainer.class).inNamespace(NS).withName(name).delete();
        await("DockerContainer " + name + " gone").atMost(timeout)
                .until(() -> client.resources(DockerContainer.class).inNamespace(NS).withName(name).get() == null);
    }

    public DockerContainerStatus awaitContainer(String name, String description, Predicate<DockerContainerStatus> condition,
            Duration timeout) {
        await("DockerContainer " + name + " " + description).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> Optional.ofNullable(container(name)).map(DockerContainer::getStatus).filter(condition)
                        .isPresent());
        return container(name).getStatus();
    }

    public static String readyReason(DockerContainerStatus status) {
        return Conditions.find(status.conditions(), Conditions.READY).map(c -> c.getReason()).orElse("");
    }

    /** kubectl apply of a DockerJob in the edge namespace (create, or replace its spec). */
    public DockerJob applyJob(String name, DockerJobSpec spec) {
        DockerJob existing = job(name);
        if (existing == null) {
            DockerJob job = new DockerJob();
            job.getMetadata().setName(name);
            job.getMetadata().setNamespace(NS);
            job.setSpec(spec);
            return client.resource(job).create();
        }
        return client.resources(DockerJob.class).inNamespace(NS).withName(name).edit(job -> {
            job.setSpec(spec);
            return job;
        });
    }

    public DockerJob job(String name) {
        return client.resources(DockerJob.class).inNamespace(NS).withName(name).get();
    }

    public DockerJobStatus awaitJob(String name, String description, Predicate<DockerJobStatus> condition,
            Duration timeout) {
        await("DockerJob " + name + " " + description).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> Optional.ofNullable(job(name)).map(DockerJob::getStatus).filter(condition).isPresent());
        return job(name).getStatus();
    }

    /** kubectl delete dockerjob NAME, waiting until it is gone (its finalizer released). */
    public void deleteJob(String name, Duration timeout) {
        client.resources(DockerJob.class).inNamespace(NS).withName(name).delete();
        await("DockerJob " + name + " gone").atMost(timeout).until(() -> job(name) == null);
    }

    /** The reason of a job condition (Accepted, Complete, Failed) that is True, or "" when it is not. */
    public static String conditionReason(DockerJobStatus status, String type) {
        return Conditions.find(status.conditions(), type).filter(c -> "True".equals(c.getStatus()))
                .map(c -> c.getReason()).orElse("");
    }

    /** kubectl create secret generic NAME --from-literal=... (or replace its data). */
    /** How often the event with this reason was told about the object (kubectl describe's "xN"). */
    public int eventCount(String involvedName, String reason) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> involvedName.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }

    /** kubectl get events --field-selector involvedObject.name=NAME: "type reason: message" of each, oldest first. */
    public java.util.List<String> events(String involvedName) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> involvedName.equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getCreationTimestamp() == null ? ""
                        : e.getMetadata().getCreationTimestamp()))
                .map(e -> e.getType() + " " + e.getReason()
                        + (e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "") + ": " + e.getMessage())
                .toList();
    }

    public void secret(String name, java.util.Map<String, String> values) {
        java.util.Map<String, String> data = new java.util.HashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata().withData(data).build())
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    /** kubectl create secret docker-registry NAME --docker-server=... --docker-username=... --docker-password=... */
    public void registrySecret(String name, String server, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        String json = "{\"auths\":{\"" + server + "\":{\"username\":\"" + user + "\",\"password\":\"" + password
                + "\",\"auth\":\"" + auth + "\"}}}";
        client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(java.util.Map.of(".dockerconfigjson",
                        Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
                .build()).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    /** kubectl annotate dockerhost NAME KEY=VALUE --overwrite: a merge patch, no resourceVersion. */
    public void annotateHost(String name, String key, String value) {
        client.resources(DockerHost.class).inNamespace(NS).withName(name).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}");
    }

    public DockerHost host(String name) {
        return client.resources(DockerHost.class).inNamespace(NS).withName(name).get();
    }

    public DockerHostStatus awaitHostStatus(String name, String description, Predicate<DockerHostStatus> condition,
            Duration timeout) {
        await("DockerHost " + name + " " + description).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> Optional.ofNullable(host(name)).map(DockerHost::getStatus).filter(condition).isPresent());
        return host(name).getStatus();
    }

    public DockerHostStatus awaitPhase(String name, String phase, Duration timeout) {
        return awaitHostStatus(name, "phase " + phase, s -> phase.equals(s.getPhase()), timeout);
    }

    public static String readyReason(DockerHostStatus status) {
        return Conditions.find(status.getConditions(), Conditions.READY).map(c -> c.getReason()).orElse("");
    }

    /** kubectl get secret NAME -o jsonpath='{.data.KEY}' | base64 -d */
    public String secretValue(String name, String key) {
        Secret secret = client.secrets().inNamespace(NS).withName(name).get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey(key)) {
            throw new AssertionError("Secret " + NS + "/" + name + " has no key " + key);
        }
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    /** The join token of a host that waits for its agent, as the user reads it from the join Secret. */
    public String awaitJoinToken(String hostName) {
        DockerHostStatus status = awaitHostStatus(hostName, "to publish a join Secret",
                s -> s.getJoinSecretName() != null, Duration.ofSeconds(30));
        return secretValue(status.getJoinSecretName(), "token");
    }
}
