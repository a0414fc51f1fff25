package io.kdop.hub.direct;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import io.kdop.engine.docker.DockerClients;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Asks a direct host's Docker API who it is (version, then info) with docker-java, the agent's
 * client, over a fresh connection each time: a probe proves the address, the TLS handshake both
 * ways and the API, with nothing cached from an earlier answer.
 */
public final class DockerProbe {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private DockerProbe() {}

    /** @param tls the mutual-TLS context for a TLS endpoint, null otherwise */
    public static ProbeResult probe(DirectEndpoint endpoint, SSLContext tls) {
        // No DOCKER_* environment or ~/.docker-java.properties of the hub's: only the DockerHost's spec counts.
        DockerClient client = DockerClients.create(endpoint.dockerHost(), tls == null ? null : () -> tls,
                CONNECT_TIMEOUT, RESPONSE_TIMEOUT, 1);
        try (DockerClient docker = client) {
            Version version = docker.versionCmd().exec();
            Info info = docker.infoCmd().exec();
            return new ProbeResult.Answered(new DockerFacts(version.getVersion(), version.getApiVersion(),
                    first(version.getOperatingSystem(), info.getOsType()), first(version.getArch(), info.getArchitecture()),
                    info.getOperatingSystem(), first(info.getKernelVersion(), version.getKernelVersion()),
                    info.getNCPU(), info.getMemTotal(), info.getContainersRunning(), info.getContainers()));
        } catch (RuntimeException | java.io.IOException e) {
            return ProbeFailures.classify(e, endpoint);
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }
}
