package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.HostBound;
import java.util.Optional;

/**
 * Finds the DockerHost a workload names: in the workload's namespace first, then in the hub's
 * namespace (hosts shared by several teams live there); without a name, the host called default.
 */
final class HostLookup {

    static final String DEFAULT_HOST = "default";

    private final KubernetesClient client;
    private final String hubNamespace;

    HostLookup(KubernetesClient client, String hubNamespace) {
        this.client = client;
        this.hubNamespace = hubNamespace;
    }

    <W extends HasMetadata & HostBound> Optional<DockerHost> find(W workload) {
        String name = hostName(workload);
        return get(workload.getMetadata().getNamespace(), name).or(() -> get(hubNamespace, name));
    }

    Optional<DockerHost> findByKey(String hostKey) {
        String[] parts = hostKey.split("/", 2);
        return get(parts[0], parts[1]);
    }

    /**
     * Whether a DockerHost with this key is still there, even if it is being deleted: its agent
     * may still carry out removals until the host lets go (see HostDeletion).
     */
    boolean existsByKey(String hostKey) {
        String[] parts = hostKey.split("/", 2);
        return client.resources(DockerHost.class).inNamespace(parts[0]).withName(parts[1]).get() != null;
    }

    /** Where the workload would run if its host existed (for messages). */
    <W extends HasMetadata & HostBound> String wantedKey(W workload) {
        return workload.getMetadata().getNamespace() + "/" + hostName(workload);
    }

    <W extends HasMetadata & HostBound> boolean refersTo(W workload, DockerHost host) {
        String ns = host.getMetadata().getNamespace();
        return hostName(workload).equals(host.getMetadata().getName())
                && (ns.equals(workload.getMetadata().getNamespace()) || ns.equals(hubNamespace));
    }

    static String key(DockerHost host) {
        return host.getMetadata().getNamespace() + "/" + host.getMetadata().getName();
    }

    private Optional<DockerHost> get(String namespace, String name) {
        DockerHost host = client.resources(DockerHost.class).inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(host).filter(h -> h.getMetadata().getDeletionTimestamp() == null)
                .filter(h -> h.getSpec() == null || h.getSpec().getHostURL() == null || h.getSpec().getHostURL().isBlank());
    }

    private static String hostName(HostBound workload) {
        String ref = workload.dockerHostRef();
        return ref == null || ref.isBlank() ? DEFAULT_HOST : ref;
    }
}
