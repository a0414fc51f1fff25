package io.kdop.hub.session;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import java.util.Optional;

/** Answers "does this DockerHost exist, and with which UID" from the API server, for authorization. */
public final class HostDirectory {

    private final KubernetesClient client;

    public HostDirectory(KubernetesClient client) {
        this.client = client;
    }

    public Optional<String> currentUid(String namespace, String name) {
        DockerHost host = client.resources(DockerHost.class).inNamespace(namespace).withName(name).get();
        if (host == null || host.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        return Optional.ofNullable(host.getMetadata().getUid());
    }
}
