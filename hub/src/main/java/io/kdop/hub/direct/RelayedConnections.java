package io.kdop.hub.direct;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.kdop.engine.docker.ContainerAddresses.Resolution;
import io.kdop.proto.tunnel.TransportLoops;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service connections the hub carries to one direct host: at most {@link #MAX} at once,
 * counted from their arrival (finding the port included), and every one reset when the host's
 * engine stops, so none outlives the host it was made for.
 */
final class RelayedConnections {

    private static final Logger LOG = LoggerFactory.getLogger(RelayedConnections.class);
    /** Connections in flight per direct host; beyond, new ones are reset (a flood stays bounded). */
    static final int MAX = 512;

    private final TransportLoops loops;
    /** Both sockets of every connection in flight, while they are open. */
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    /** @param loops the hub's transport loops: each connection's two sockets live on one of them */
    RelayedConnections(TransportLoops loops) {
        this.loops = loops;
    }

    void start(SocketChannel client, Supplier<Resolution> target, String what) {
        if (closed) {
            LOG.warn("tunnel to {} refused: the host's engine stopped", what);
            SocketRelay.reset(client);
            return;
        }
        if (connections.incrementAndGet() > MAX) {
            connections.decrementAndGet();
            LOG.warn("tunnel to {} refused: {} connections to this host are open already", what, MAX);
            SocketRelay.reset(client);
            return;
        }
        SocketRelay.start(client, target, what, loops.current(), this::track).closeFuture()
                .addListener(gone -> connections.decrementAndGet());
    }

    /** Resets every connection in flight; new ones are refused from now on. */
    void resetAll() {
        closed = true;
        List.copyOf(open).forEach(SocketRelay::reset);
    }

    private void track(Channel socket) {
        open.add(socket);
        socket.closeFuture().addListener(gone -> open.remove(socket));
        if (closed) {
            SocketRelay.reset(socket); // it came while resetAll ran: it goes too
        }
    }
}
