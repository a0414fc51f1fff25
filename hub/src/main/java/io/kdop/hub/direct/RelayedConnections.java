package io.kdop.hub.direct;

import io.kdop.engine.docker.ContainerAddresses.Resolution;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service connections the hub carries to one direct host: at most {@link #MAX} at once (two
 * threads and two 64 KiB buffers each), and every one reset when the host's engine stops, so
 * none outlives the host it was made for.
 */
final class RelayedConnections {

    private static final Logger LOG = LoggerFactory.getLogger(RelayedConnections.class);
    /** Connections in flight per direct host; beyond, new ones are reset (a flood stays bounded). */
    static final int MAX = 512;

    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    void start(Socket client, Supplier<Resolution> target, String what) {
        // each connection holds two sockets while it lasts
        if (closed || open.size() >= 2 * MAX) {
            LOG.warn("tunnel to {} refused: {}", what, closed ? "the host's engine stopped"
                    : MAX + " connections to this host are open already");
            SocketRelay.reset(client);
            return;
        }
        SocketRelay.start(client, target, what, open);
    }

    /** Resets every connection in flight; new ones are refused from now on. */
    void resetAll() {
        closed = true;
        List.copyOf(open).forEach(SocketRelay::reset);
    }
}
