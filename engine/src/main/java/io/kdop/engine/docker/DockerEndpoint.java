package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

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

    /**
     * A daemon the hub dials directly at {@code dockerHost}, with mutual TLS from {@code tls} (null
     * for a socket or plain TCP). The probe of fresh connections can only ask whether the port
     * accepts; the TLS handshake is the clients' to prove.
     */
    static DockerEndpoint of(String dockerHost, SSLContext tls) {
        DaemonProbe probe = new DaemonProbe(dockerHost);
        return new DockerEndpoint() {
            @Override
            public DockerClient client(Duration responseTimeout, int maxConnections) {
                return DockerClients.create(dockerHost, tls == null ? null : () -> tls, Duration.ofSeconds(3),
                        responseTimeout, maxConnections);
            }

            @Override
            public DaemonProbe probe() {
                return probe;
            }
        };
    }
}
