package io.kdop.hub.session;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.pki.AgentIdentity;
import java.util.Map;
import java.util.Optional;

/** The {@link HostDirectory} backed by the Kubernetes API server. */
public final class ApiHostDirectory implements HostDirectory {

    private final KubernetesClient client;

    public ApiHostDirectory(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<RegisteredHost> find(String namespace, String name) {
        DockerHost host = client.resources(DockerHost.class).inNamespace(namespace).withName(name).get();
        if (host == null || host.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        String generation = host.getMetadata().getAnnotations() == null ? null
                : host.getMetadata().getAnnotations().get(KdopApi.AGENT_GENERATION_ANNOTATION);
        return Optional.of(new RegisteredHost(host.getMetadata().getUid(), generation));
    }

    @Override
    public void recordGeneration(AgentIdentity identity) {
        // A merge patch without resourceVersion, as kubectl annotate does: it must not fail because
        // the hub patched the status a moment ago. The uid in the patch makes the API server refuse
        // it if the host was deleted and recreated in the meantime.
        Map<String, Object> patch = Map.of("metadata", Map.of(
                "uid", identity.uid(),
                "annotations", Map.of(KdopApi.AGENT_GENERATION_ANNOTATION, identity.generation())));
        client.resources(DockerHost.class).inNamespace(identity.namespace()).withName(identity.name())
                .patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(patch));
    }
}
