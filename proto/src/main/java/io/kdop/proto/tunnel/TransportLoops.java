package io.kdop.proto.tunnel;

import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The event loops that run both the gRPC transport and the tunnels' TCP sockets. A socket on the
 * loop of the agent's HTTP/2 connection moves each frame between the two without a thread hop:
 * a round trip through a tunnel wakes one thread per side and direction, as {@code ssh -R} does.
 * NIO (not epoll) so that a socket accepted by the JDK can join a loop.
 */
public final class TransportLoops implements AutoCloseable {

    private final NioEventLoopGroup group;

    /** @param threads 0 for netty's default (twice the processors) */
    public TransportLoops(int threads, String name) {
        this.group = new NioEventLoopGroup(threads,
                Thread.ofPlatform().name(name + "-", 0).daemon().factory());
    }

    /** For the transport's builders (both boss and worker on the server). */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * The loop the caller runs on (a gRPC callback on the transport's thread), so a socket
     * registered with it shares the call's connection thread; any loop otherwise.
     */
    public EventLoop current() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return (EventLoop) loop;
            }
        }
        return group.next();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }
}
