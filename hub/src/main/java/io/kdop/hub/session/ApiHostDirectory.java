package io.kdop.hub.session;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.pki.AgentIdentity;
import java.util.HashMap;
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
        client.resources(DockerHost.class).inNamespace(identity.namespace()).withName(identity.name()).edit(host -> {
            if (!identity.uid().equals(host.getMetadata().getUid())) {
                throw new IllegalStateException("DockerHost " + identity.hostKey() + " was recreated during the join");
            }
            if (host.getMetadata().getAnnotations() == null) {
                host.getMetadata().setAnnotations(new HashMap<>());
            }
            host.getMetadata().getAnnotations().put(KdopApi.AGENT_GENERATION_ANNOTATION, identity.generation());
            return host;
        });
    }
}
