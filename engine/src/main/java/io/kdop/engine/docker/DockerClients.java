package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;

/** Builds the engine's Docker clients: one construction, timeouts chosen per use. */
public final class DockerClients {

    /** Long enough for an events stream that stays quiet for days. */
    public static final Duration STREAM = Duration.ofDays(3650);

    private DockerClients() {}

    /**
     * A client of the daemon at {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock}).
     *
     * @param responseTimeout the longest silence of the daemon within one response
     */
    public static DockerClient create(String dockerHost, Duration responseTimeout, int maxConnections) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(responseTimeout)
                .maxConnections(maxConnections)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /**
     * A client of a daemon the hub dials itself: only the arguments count (no DOCKER_* environment,
     * no ~/.docker-java.properties of the process's), with mutual TLS when {@code ssl} is given.
     *
     * @param ssl the TLS material for a {@code tcp://} daemon with --tlsverify, null otherwise
     */
    public static DockerClient create(String dockerHost, SSLConfig ssl, Duration connectTimeout,
            Duration responseTimeout, int maxConnections) {
        DefaultDockerClientConfig config = directConfig(dockerHost);
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(ssl)
                .connectionTimeout(connectTimeout)
                .responseTimeout(responseTimeout)
                .maxConnections(maxConnections)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /**
     * The configuration of a client the hub uses on another machine's daemon. Nothing of the hub's
     * own environment may leak into it: above all not the registry credentials of its
     * ~/.docker/config.json, DOCKER_CONFIG or registry.* properties, which docker-java would send
     * with every pull that names no credentials of its own.
     */
    static DefaultDockerClientConfig directConfig(String dockerHost) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withDockerTlsVerify(false)
                .withDockerCertPath(null)
                .withDockerConfig(NO_DOCKER_CONFIG)
                .withRegistryUrl(null)
                .withRegistryUsername(null)
                .withRegistryPassword(null)
                .withRegistryEmail(null)
                .build();
    }

    /** A directory that holds no config.json: no credentials. */
    private static final String NO_DOCKER_CONFIG = "/nonexistent/kdop-no-docker-config";
}
