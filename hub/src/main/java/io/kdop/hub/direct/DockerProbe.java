package io.kdop.hub.direct;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
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
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint.dockerHost())
                .withDockerTlsVerify(false)
                .withDockerCertPath(null)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(endpoint.dockerHost()))
                .sslConfig(tls == null ? null : () -> tls)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .maxConnections(1)
                .build();
        try (DockerClient docker = DockerClientImpl.getInstance(config, http)) {
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
