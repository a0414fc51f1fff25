package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;

/**
 * One Docker daemon as the engine reaches it: clients (each use picks its timeout and connection
 * count) and the probe of fresh connections. The agent's is its local daemon by address; a host
 * the hub drives over TCP brings its TLS material in its own implementation.
 */
public interface DockerEndpoint {

    /** A new client; the caller closes it. */
    DockerClient client(Duration responseTimeout, int maxConnections);

    /** Asks whether the daemon serves new connections (see {@link DaemonProbe}). */
    DaemonProbe probe();

    /** A daemon at a DOCKER_HOST address, {@code unix://} or plain {@code tcp://}. */
    static DockerEndpoint of(String dockerHost) {
        DaemonProbe probe = new DaemonProbe(dockerHost);
        return new DockerEndpoint() {
            @Override
            public DockerClient client(Duration responseTimeout, int maxConnections) {
                return DockerClients.create(dockerHost, responseTimeout, maxConnections);
            }

            @Override
            public DaemonProbe probe() {
                return probe;
            }
        };
    }
}
