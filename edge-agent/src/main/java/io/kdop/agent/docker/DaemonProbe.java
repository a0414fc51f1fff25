package io.kdop.agent.docker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Asks whether the Docker daemon accepts new connections. A stopping dockerd closes its listener
 * first and then stops its containers, while connections it already has (the event stream, the
 * clients' pooled ones) keep working: a fresh connection is the only way to tell, when a job's
 * container dies, that the daemon is going down rather than the job failing.
 */
public final class DaemonProbe {

    private static final int TCP_CONNECT_TIMEOUT_MS = 2000;

    private final String dockerHost;

    public DaemonProbe(String dockerHost) {
        this.dockerHost = dockerHost;
    }

    /** True unless a fresh connection to the daemon's socket is refused (or the socket is gone). */
    public boolean acceptsConnections() {
        URI uri = URI.create(dockerHost);
        try {
            switch (uri.getScheme()) {
                case "unix" -> {
                    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        channel.connect(UnixDomainSocketAddress.of(Path.of(uri.getPath())));
                    }
                }
                case "tcp" -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TCP_CONNECT_TIMEOUT_MS);
                    }
                }
                default -> {
                    return true; // no way to ask: the attempt is judged by its exit code alone
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
