package io.kdop.hub.direct;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.controller.SecretData;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Probes a direct host for the DockerHost controller: reads its spec and TLS Secret, dials its
 * Docker API and turns what it found into the host's status (DirectHostRules). Each probe builds
 * its TLS context from the Secret as it is now, so a rotated Secret is used at the next probe.
 */
public final class DirectHosts {

    private final KubernetesClient client;

    public DirectHosts(KubernetesClient client) {
        this.client = client;
    }

    /** Probes the host once and returns its new status, and when to probe again. */
    public DirectHostRules.Outcome probe(DockerHost host, DockerHostStatus status, long generation, Instant now) {
        return DirectHostRules.apply(status, generation, probe(host), now);
    }

    private DirectHostRules.Probed probe(DockerHost host) {
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
        if (endpoint.transport() == DirectEndpoint.Transport.TLS) {
            String namespace = host.getMetadata().getNamespace();
            Secret secret = client.secrets().inNamespace(namespace).withName(endpoint.tlsSecretName()).get();
            switch (DirectTls.build(namespace + "/" + endpoint.tlsSecretName(),
                    Optional.ofNullable(secret).map(SecretData::decode))) {
                case DirectTls.Built.Invalid invalid -> {
                    return new DirectHostRules.Probed(Optional.of(endpoint), new ProbeResult.Failed(invalid.reason(),
                            invalid.message()));
                }
                case DirectTls.Built.Ready ready -> tls = ready.context();
            }
        }
        return new DirectHostRules.Probed(Optional.of(endpoint), DockerProbe.probe(endpoint, tls));
    }
}
