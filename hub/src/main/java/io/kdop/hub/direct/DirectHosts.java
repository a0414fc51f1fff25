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
import javax.net.ssl.SSLContext;

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

    public DirectHosts(KubernetesClient client, DirectEngines engines) {
        this.client = client;
        this.engines = engines;
    }

    /** Probes the host once and returns its new status, and when to probe again. */
    public DirectHostRules.Outcome probe(DockerHost host, DockerHostStatus status, long generation, Instant now) {
        return DirectHostRules.apply(status, generation, probe(host), now);
    }

    /** The host is gone, or no longer direct: its workloads are no longer driven from here. */
    public void forget(String hostKey) {
        engines.stop(hostKey);
    }

    private DirectHostRules.Probed probe(DockerHost host) {
        DirectHostRules.Probed probed = probeOnce(host);
        String key = host.getMetadata().getNamespace() + "/" + host.getMetadata().getName();
        if (probed.result() instanceof ProbeResult.Failed failed && CONFIG_PROBLEMS.stream()
                .anyMatch(failed.reason()::startsWith)) {
            // the spec or the Secret no longer says how to reach the host: stop using what it said before
            engines.stop(key);
        }
        return probed;
    }

    /** Failures of the host's own spec or TLS Secret, rather than of the network or the daemon. */
    private static final java.util.List<String> CONFIG_PROBLEMS = java.util.List.of("TLSSecret", "InvalidHostURL",
            "TLSRequired");

    private DirectHostRules.Probed probeOnce(DockerHost host) {
        DockerHostSpec spec = host.getSpec();
        DirectEndpoint endpoint;
        switch (DirectEndpoint.parse(spec.getHostURL(), spec.getTlsSecretName(), spec.getAllowInsecure())) {
            case DirectEndpoint.Parsed.Invalid invalid -> {
                return new DirectHostRules.Probed(Optional.empty(), new ProbeResult.Failed(invalid.reason(),
                        invalid.message()));
            }
            case DirectEndpoint.Parsed.Valid valid -> endpoint = valid.endpoint();
        }
        SSLContext tls = null;
        SSLContext probeTls = null;
        String secretVersion = "";
        if (endpoint.transport() == DirectEndpoint.Transport.TLS) {
            String namespace = host.getMetadata().getNamespace();
            Secret secret = client.secrets().inNamespace(namespace).withName(endpoint.tlsSecretName()).get();
            secretVersion = secret == null ? "" : secret.getMetadata().getResourceVersion();
            switch (DirectTls.build(namespace + "/" + endpoint.tlsSecretName(),
                    Optional.ofNullable(secret).map(SecretData::decode))) {
                case DirectTls.Built.Invalid invalid -> {
                    return new DirectHostRules.Probed(Optional.of(endpoint), new ProbeResult.Failed(invalid.reason(),
                            invalid.message()));
                }
                case DirectTls.Built.Ready ready -> {
                    tls = ready.context();
                    probeTls = ready.probeContext();
                }
            }
        }
        ProbeResult result = DockerProbe.probe(endpoint, probeTls);
        if (result instanceof ProbeResult.Answered) {
            engines.connected(HostIdentity.newBuilder().setNamespace(host.getMetadata().getNamespace())
                    .setName(host.getMetadata().getName()).setUid(host.getMetadata().getUid()).build(),
                    endpoint, tls, String.join(" ", host.getMetadata().getUid(), endpoint.dockerHost(),
                            String.valueOf(endpoint.serverName()), secretVersion));
        }
        return new DirectHostRules.Probed(Optional.of(endpoint), result);
    }
}
