package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.HostBound;
import java.util.Optional;

/**
 * Finds the DockerHost a workload names: in the workload's namespace first, then in the hub's
 * namespace (hosts shared by several teams live there); without a name, the host called default,
 * as in the seed operator. A direct host (spec.hostURL) is found too: the hub's own engine for it
 * runs its workloads.
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

    /** A host by key ("namespace/name"). */
    Optional<DockerHost> findByKey(String hostKey) {
        String[] parts = hostKey.split("/", 2);
        return get(parts[0], parts[1]);
    }

    /** The address the hub dials a direct host's published ports on (its hostURL's host; 127.0.0.1 for a socket). */
    static String directAddress(DockerHost host) {
        return switch (io.kdop.hub.direct.DirectEndpoint.parse(host.getSpec().getHostURL(),
                host.getSpec().getTlsSecretName(), host.getSpec().getAllowInsecure())) {
            case io.kdop.hub.direct.DirectEndpoint.Parsed.Valid valid -> valid.endpoint().hostAddress();
            case io.kdop.hub.direct.DirectEndpoint.Parsed.Invalid invalid -> "its hostURL's address";
        };
    }

    /** Whether the host is the seed's direct mode: the hub would dial its Docker API (spec.hostURL). */
    static boolean isDirect(DockerHost host) {
        return host.getSpec() != null && host.getSpec().getHostURL() != null && !host.getSpec().getHostURL().isBlank();
    }

    /** Why a workload whose host {@link #find} did not find has no host, and what to do about it. */
    <W extends HasMetadata & HostBound> String notFound(W workload) {
        return notFound(workload.dockerHostRef(), workload.getMetadata().getNamespace(), hubNamespace);
    }

    static String notFound(String dockerHostRef, String namespace, String hubNamespace) {
        boolean defaulted = dockerHostRef == null || dockerHostRef.isBlank();
        String name = defaulted ? DEFAULT_HOST : dockerHostRef;
        String where = namespace.equals(hubNamespace) ? "namespace " + namespace
                : "namespace " + namespace + " or " + hubNamespace;
        String create = "create one (kubectl apply -f examples/dockerhost.yaml with metadata.name: " + name
                + ", in namespace " + namespace + ")";
        return defaulted
                ? "spec.dockerHostRef is not set, so the workload goes to the DockerHost named " + DEFAULT_HOST
                        + ", and there is none in " + where + "; " + create + " or set spec.dockerHostRef"
                : "there is no DockerHost named " + name + " in " + where + "; " + create
                        + " or fix spec.dockerHostRef";
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
        return Optional.ofNullable(host).filter(h -> h.getMetadata().getDeletionTimestamp() == null);
    }

    private static String hostName(HostBound workload) {
        String ref = workload.dockerHostRef();
        return ref == null || ref.isBlank() ? DEFAULT_HOST : ref;
    }
}
