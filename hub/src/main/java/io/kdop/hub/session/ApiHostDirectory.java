package io.kdop.hub.session;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.pki.AgentIdentity;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link HostDirectory} backed by the Kubernetes API server: DockerHosts where users keep
 * them, each host's latest join in the hub's own namespace.
 */
public final class ApiHostDirectory implements HostDirectory {

    private final KubernetesClient client;
    private final GenerationRecords generations;
    private final Clock clock;

    public ApiHostDirectory(KubernetesClient client, String hubNamespace, Clock clock) {
        this.client = client;
        this.generations = new GenerationRecords(client, hubNamespace);
        this.clock = clock;
    }

    @Override
    public Optional<RegisteredHost> find(String namespace, String name) {
        DockerHost host = client.resources(DockerHost.class).inNamespace(namespace).withName(name).get();
        // a direct host (spec.hostURL) has no agent: the hub drives its Docker API itself
        if (host == null || host.getMetadata().getDeletionTimestamp() != null || direct(host)) {
            return Optional.empty();
        }
        String uid = host.getMetadata().getUid();
        Optional<GenerationRecords.Join> join = generations.find(uid).or(() -> adoptAnnotation(host));
        return Optional.of(join.map(j -> new RegisteredHost(uid, j.generation(), j.joinedAt()))
                .orElseGet(() -> new RegisteredHost(uid, null)));
    }

    @Override
    public boolean isDirect(AgentIdentity identity) {
        DockerHost host = client.resources(DockerHost.class).inNamespace(identity.namespace())
                .withName(identity.name()).get();
        // a recreated host of the same name is another host: its agent was revoked, whatever it is now
        return host != null && host.getMetadata().getDeletionTimestamp() == null
                && identity.uid().equals(host.getMetadata().getUid()) && direct(host);
    }

    private static boolean direct(DockerHost host) {
        return host.getSpec() != null && host.getSpec().getHostURL() != null && !host.getSpec().getHostURL().isBlank();
    }

    /**
     * Earlier hubs kept the generation in an annotation on the DockerHost. Taken over once,
     * when no record exists yet, so agents joined under such a hub stay admitted; from then on
     * the record decides and the annotation is only informative.
     */
    private Optional<GenerationRecords.Join> adoptAnnotation(DockerHost host) {
        Map<String, String> annotations = host.getMetadata().getAnnotations();
        String generation = annotations == null ? null : annotations.get(KdopApi.AGENT_GENERATION_ANNOTATION);
        if (generation == null) {
            return Optional.empty();
        }
        AgentIdentity identity = new AgentIdentity(host.getMetadata().getNamespace(), host.getMetadata().getName(),
                host.getMetadata().getUid(), generation);
        generations.record(identity, Instant.EPOCH);
        return Optional.of(new GenerationRecords.Join(generation, Instant.EPOCH));
    }

    /**
     * Writes the record without reading the DockerHost again: the join read it (and matched its
     * UID) moments ago under its host's lock. A host deleted in between leaves a record for a UID
     * that no DockerHost has: no session is admitted for it, and the hourly sweep removes it.
     */
    @Override
    public void recordGeneration(AgentIdentity identity) {
        generations.record(identity, clock.instant());
    }

    @Override
    public int forgetDeletedHosts() {
        int forgotten = 0;
        for (GenerationRecords.Owner owner : generations.owners()) {
            DockerHost host = owner.namespace() == null || owner.name() == null ? null
                    : client.resources(DockerHost.class).inNamespace(owner.namespace()).withName(owner.name()).get();
            if (host == null || !host.getMetadata().getUid().equals(owner.uid())) {
                generations.delete(owner.uid());
                forgotten++;
            }
        }
        return forgotten;
    }
}
