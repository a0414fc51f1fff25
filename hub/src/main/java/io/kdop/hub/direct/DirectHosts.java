package io.kdop.hub.direct;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.controller.SecretData;
import io.kdop.proto.v1.HostIdentity;
import java.time.Instant;
import java.util.Optional;

/**
 * Probes a direct host for the DockerHost controller: reads its spec and TLS Secret, dials its
 * Docker API and turns what it found into the host's status (DirectHostRules). Each probe builds
 * its TLS context from the Secret as it is now, so a rotated Secret is used at the next probe. A
 * host whose API answered gets an engine that runs its workloads ({@link DirectEngines}); one
 * whose spec or Secret no longer makes an endpoint loses it.
 */
public final class DirectHosts {

    private final KubernetesClient client;
    private final DirectEngines engines;
    private final DirectHostsAllowed allowed;

    public DirectHosts(KubernetesClient client, DirectEngines engines, DirectHostsAllowed allowed) {
        this.client = client;
        this.engines = engines;
        this.allowed = allowed;
    }

    /** Probes the host once and returns its new status, and when to probe again. */
    public DirectHostRules.Outcome probe(DockerHost host, DockerHostStatus status, long generation, Instant now) {
        return DirectHostRules.apply(status, generation, probe(host), now);
    }

    /** The host is gone, or no longer direct: its workloads are no longer driven from here. */
    public void forget(String hostKey) {
        engines.stop(hostKey);
    }

    /** The host was deleted: nothing drives it any more, and its job records go. */
    public void forgetDeleted(String hostKey, String hostUid) {
        engines.forgetDeleted(hostKey, hostUid);
    }

    /** Whether the hub drives the host's Docker API now: an engine runs there and the host answered last. */
    public boolean drives(String hostKey) {
        return engines.answering(hostKey);
    }

    /**
     * One probe, and what it means for the host's engine: one runs only with the endpoint and TLS
     * material the spec and Secret say now (any other is stopped before the probe, whatever it
     * finds), and only while the host answers.
     */
    private DirectHostRules.Probed probe(DockerHost host) {
        DirectHostRules.Probed probed = probeOnce(host);
        if (probed.result() instanceof ProbeResult.Failed) {
            engines.notAnswering(key(host));
        }
        return probed;
    }

    private DirectHostRules.Probed probeOnce(DockerHost host) {
        DockerHostSpec spec = host.getSpec();
        DirectEndpoint endpoint;
        switch (DirectEndpoint.parse(spec.getHostURL(), spec.getTlsSecretName(), spec.getAllowInsecure())) {
            case DirectEndpoint.Parsed.Invalid invalid -> {
                engines.stop(key(host)); // the spec no longer says how to reach the host
                return new DirectHostRules.Probed(Optional.empty(), new ProbeResult.Failed(invalid.reason(),
                        invalid.message()));
            }
            case DirectEndpoint.Parsed.Valid valid -> endpoint = valid.endpoint();
        }
        Optional<ProbeResult.Failed> notAllowed = allowed.refusal(endpoint.transport());
        if (notAllowed.isPresent()) {
            engines.stop(key(host)); // nothing is dialled at all
            return new DirectHostRules.Probed(Optional.of(endpoint), notAllowed.get());
        }
        Optional<DirectTls.Built.Ready> tls = Optional.empty();
        String secretVersion = "";
        if (endpoint.transport() == DirectEndpoint.Transport.TLS) {
            String namespace = host.getMetadata().getNamespace();
            Secret secret = client.secrets().inNamespace(namespace).withName(endpoint.tlsSecretName()).get();
            secretVersion = secret == null ? "" : secret.getMetadata().getResourceVersion();
            switch (DirectTls.build(namespace + "/" + endpoint.tlsSecretName(),
                    Optional.ofNullable(secret).map(SecretData::decode))) {
                case DirectTls.Built.Invalid invalid -> {
                    engines.stop(key(host)); // nor the Secret how to authenticate there
                    return new DirectHostRules.Probed(Optional.of(endpoint), new ProbeResult.Failed(invalid.reason(),
                            invalid.message()));
                }
                case DirectTls.Built.Ready ready -> tls = Optional.of(ready);
            }
        }
        String config = String.join(" ", host.getMetadata().getUid(), endpoint.dockerHost(),
                String.valueOf(endpoint.serverName()), secretVersion);
        // an engine on another address or with other TLS material stops now, even if the new one never answers
        engines.stopUnless(key(host), config);
        ProbeResult result = DockerProbe.probe(endpoint, tls);
        if (result instanceof ProbeResult.Answered && !engines.connected(HostIdentity.newBuilder()
                .setNamespace(host.getMetadata().getNamespace()).setName(host.getMetadata().getName())
                .setUid(host.getMetadata().getUid()).build(), endpoint, tls.map(DirectTls.Built.Ready::context).orElse(null),
                config)) {
            return new DirectHostRules.Probed(Optional.of(endpoint), new ProbeResult.Failed("JobRecordsUnreadable",
                    "Docker answers at " + endpoint.dockerHost() + ", but the hub cannot read this host's job records "
                    + "(Secrets labelled kdop.io.vn/host-uid=" + host.getMetadata().getUid() + " in the hub's namespace), "
                    + "without which a job could run twice: nothing is driven there until they can be read; see the "
                    + "hub's log"));
        }
        return new DirectHostRules.Probed(Optional.of(endpoint), result);
    }

    private static String key(DockerHost host) {
        return host.getMetadata().getNamespace() + "/" + host.getMetadata().getName();
    }
}
