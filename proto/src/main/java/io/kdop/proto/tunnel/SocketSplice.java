package io.kdop.proto.tunnel;

import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.socket.ChannelInputShutdownEvent;
import io.grpc.netty.shaded.io.netty.channel.socket.DuplexChannel;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.util.concurrent.RejectedExecutionException;

/**
 * Joins two connected TCP sockets of one event loop: what the hub does for a Service connection
 * to a direct host's published port, where there is no Tunnel call in between.
 *
 * <p>The same rules as {@link TunnelPipe}, without a thread of its own: a socket is read (one read
 * of at most {@link TunnelPipe#FRAME_BYTES}) only while the other socket's outbound buffer is
 * under netty's high-water mark (64 KiB), so a slow reader slows the writer, and memory per
 * direction is at most that mark plus one read. A half-close is passed on once the data before it
 * is written; a reset or failure on either side resets the other (SO_LINGER 0).
 */
public final class SocketSplice {

    private final End first;
    private final End second;
    private final EventLoop loop;
    private final Runnable onClosed;
    // confined to the loop
    private boolean closed;

    private SocketSplice(DuplexChannel first, DuplexChannel second, Runnable onClosed) {
        this.first = new End(first);
        this.second = new End(second);
        this.first.peer = this.second;
        this.second.peer = this.first;
        this.loop = first.eventLoop();
        this.onClosed = onClosed;
    }

    /**
     * Starts moving bytes between two sockets from {@link TunnelPipe#socket}, connected and
     * registered with the same event loop.
     *
     * @param onClosed runs once, on the loop, when the splice closes or resets its sockets
     */
    public static void join(DuplexChannel first, DuplexChannel second, Runnable onClosed) {
        if (first.eventLoop() != second.eventLoop()) {
            throw new IllegalArgumentException("a splice's sockets share one event loop");
        }
        SocketSplice splice = new SocketSplice(first, second, onClosed);
        try {
            splice.loop.execute(splice::start);
        } catch (RejectedExecutionException shuttingDown) {
            first.close();
            second.close();
        }
    }

    private void start() {
        first.channel.pipeline().addLast("splice", first);
        second.channel.pipeline().addLast("splice", second);
        if (!first.channel.isActive() || !second.channel.isActive()) {
            reset();
            return;
        }
        first.readIfPeerTakes();
        second.readIfPeerTakes();
    }

    /** Resets both sockets: each peer learns at once that the connection is gone. */
    private void reset() {
        if (markClosed()) {
            TunnelPipe.reset(first.channel);
            TunnelPipe.reset(second.channel);
        }
    }

    /** Both directions ended cleanly: each socket closes once what was written to it is out. */
    private void finish() {
        if (markClosed()) {
            first.afterWrites(first.channel::close);
            second.afterWrites(second.channel::close);
        }
    }

    private boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        onClosed.run();
        return true;
    }

    /** One socket: what it reads is written to its peer. */
    private final class End extends ChannelInboundHandlerAdapter {

        private final DuplexChannel channel;
        private End peer;
        private boolean inputEnded;
        /** The newest write to this socket: a half-close or close waits for it. */
        private ChannelFuture lastWrite;

        End(DuplexChannel channel) {
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ChannelFuture write = peer.channel.writeAndFlush(msg);
            // before the listener: a write that completes at once runs it now
            peer.lastWrite = write;
            write.addListener(written -> {
                if (!written.isSuccess()) {
                    SocketSplice.this.reset();
                }
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readIfPeerTakes();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable()) {
                peer.readIfPeerTakes(); // this socket drained: what feeds it may read again
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == ChannelInputShutdownEvent.INSTANCE && !closed && !inputEnded) {
                inputEnded = true;
                peer.afterWrites(peer.channel::shutdownOutput);
                if (peer.inputEnded) {
                    finish();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            SocketSplice.this.reset();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            SocketSplice.this.reset(); // nothing when the splice closed it
        }

        void readIfPeerTakes() {
            if (!closed && !inputEnded && peer.channel.isWritable()) {
                channel.read();
            }
        }

        /** Runs after every write so far completed (netty fails writes still queued at a shutdown). */
        void afterWrites(Runnable action) {
            ChannelFuture last = lastWrite;
            if (last == null || last.isDone()) {
                action.run();
            } else {
                last.addListener(done -> action.run());
            }
        }
    }
}
