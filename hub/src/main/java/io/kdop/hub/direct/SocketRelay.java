package io.kdop.hub.direct;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.kdop.engine.docker.ContainerAddresses.Resolution;
import io.kdop.hub.tunnel.TunnelBroker;
import io.kdop.proto.tunnel.SocketSplice;
import io.kdop.proto.tunnel.TunnelPipe;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one Service connection to a container port published on a direct host: the client's
 * socket and one to the published port, joined on a transport event loop ({@link SocketSplice}:
 * backpressure, half-close and resets both ways, no thread per connection). Only finding the
 * port asks Docker, on a short-lived thread of its own.
 */
final class SocketRelay {

    private static final Logger LOG = LoggerFactory.getLogger(SocketRelay.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private SocketRelay() {}

    /**
     * Finds where the container listens and carries {@code accepted} there; resets it when there
     * is nowhere to go.
     *
     * @param loop where both sockets of the connection live
     * @param track takes each of the connection's sockets once it is registered with the loop (so it can be reset)
     * @return the client's socket, registered with the loop
     */
    static NioSocketChannel start(SocketChannel accepted, Supplier<Resolution> target, String what, EventLoop loop,
            Consumer<Channel> track) {
        NioSocketChannel client = TunnelPipe.socket(accepted);
        // registered before it is tracked: closing a socket that has no loop yet throws
        loop.register(client);
        track.accept(client);
        // finding the port asks Docker: never on the loop
        Thread.ofPlatform().daemon().name("kdop-direct-tunnel").start(() -> {
            try {
                switch (target.get()) {
                    case Resolution.Address address -> connect(client, address.address(), what, loop, track);
                    case Resolution.Unreachable unreachable -> {
                        LOG.debug("no tunnel to {}: {}", what, unreachable.why());
                        reset(client);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("tunnel to {} failed: {}", what, e.toString());
                reset(client);
            }
        });
        return client;
    }

    /** Resets a connection not yet carried (SO_LINGER 0), so its peer learns at once that nobody serves it. */
    static void reset(SocketChannel accepted) {
        TunnelBroker.reset(accepted);
    }

    /** Resets a socket (SO_LINGER 0); closing it resets its spliced peer too. */
    static void reset(Channel socket) {
        TunnelPipe.reset(socket);
    }

    private static void connect(NioSocketChannel client, InetSocketAddress target, String what, EventLoop loop,
            Consumer<Channel> track) {
        if (!client.isOpen()) {
            return; // reset meanwhile (its host's engine stopped): nothing to dial for
        }
        NioSocketChannel upstream = TunnelPipe.socket();
        upstream.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        ChannelFuture registration = loop.register(upstream);
        track.accept(upstream);
        registration.addListener(registered -> {
            if (!registered.isSuccess()) {
                reset(client);
                return;
            }
            upstream.connect(target).addListener(connected -> {
                if (connected.isSuccess()) {
                    SocketSplice.join(client, upstream, () -> LOG.debug("tunnel to {} closed", what));
                } else {
                    LOG.debug("tunnel to {} at {} refused: {}", what, target, connected.cause().toString());
                    reset(client);
                    upstream.close();
                }
            });
        });
    }
}
