package io.kdop.proto.tunnel;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelException;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.socket.ChannelInputShutdownEvent;
import io.grpc.netty.shaded.io.netty.channel.socket.DuplexChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.proto.v1.TunnelEnd;
import io.kdop.proto.v1.TunnelFrame;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;

/**
 * Joins one TCP socket and one Tunnel call: the same class on both ends (the hub's client
 * connection, the agent's container connection).
 *
 * <p>Everything runs on the socket's event loop, which is the call's transport thread when the
 * socket was registered with {@link TransportLoops#current()} (callbacks from another thread are
 * handed to the loop). So the pipe's state needs no lock, and a frame moves from socket to call
 * and back without a thread hop.
 *
 * <p>Backpressure end to end, memory bounded: the socket is read (one read of at most
 * {@link #FRAME_BYTES} per frame) only while the call is ready to send (gRPC's outbound buffer
 * stays under {@link #ON_READY_THRESHOLD}), and a frame is requested from the call only when one
 * was written to the socket (manual inbound flow control, {@link #FRAMES_AHEAD} in advance), so a
 * slow reader stops HTTP/2's window for this call alone and, through it, the sender's socket
 * reads. Per pipe and direction: one read buffer, at most {@link #FRAMES_AHEAD} frames waiting
 * to be written to the socket, the outbound threshold, and the call's HTTP/2 window.
 *
 * <p>Half-close both ways ({@code end} without reset, then {@code shutdownOutput} once the data
 * before it is written); a reset or a failure on either side resets the other side's socket
 * (SO_LINGER 0).
 */
public final class TunnelPipe extends ChannelInboundHandlerAdapter implements StreamObserver<TunnelFrame> {

    /** Bytes read from the socket per frame at most. */
    public static final int FRAME_BYTES = 64 * 1024;

    /**
     * Frames requested from the call ahead of the socket writer: one at a time would make every
     * frame wait for a round trip through the transport (measured: 77 MiB/s).
     */
    static final int FRAMES_AHEAD = 8;

    /**
     * Bytes the call may buffer outbound before it stops being ready; gRPC's default (32 KiB, one
     * frame) would stop the socket's reads after every frame until the transport flushed it.
     * Both ends set it on their Tunnel call.
     */
    public static final int ON_READY_THRESHOLD = 128 * 1024;

    private final String name;
    private final DuplexChannel socket;
    private final EventLoop loop;
    private final CallStreamObserver<TunnelFrame> call;
    private final TunnelStats stats;
    private final Runnable onClosed;

    // confined to the loop
    private boolean started;
    private boolean sentEnd;
    private boolean receivedEnd;
    private boolean closed;
    /** This end has ended the call (or the other end did): nothing more may be sent on it. */
    private boolean callEnded;
    /** Frames taken from the call and not yet written to the socket. */
    private int unwritten;
    /** The newest write to the socket: a half-close or close waits for it. */
    private ChannelFuture lastWrite;

    /**
     * @param socket from {@link #socket}, connected and registered with its event loop
     * @param call the call's sending side; its inbound flow control must be manual (the pipe
     *     requests every frame), and its on-ready handler must call {@link #onReady()}
     * @param onClosed runs once when the pipe is done, whichever way
     */
    public TunnelPipe(String name, DuplexChannel socket, CallStreamObserver<TunnelFrame> call, TunnelStats stats,
            Runnable onClosed) {
        this.name = name;
        this.socket = socket;
        this.loop = socket.eventLoop();
        this.call = call;
        this.stats = stats;
        this.onClosed = onClosed;
    }

    /** A socket for a pipe, from a connection the JDK accepted. */
    public static NioSocketChannel socket(SocketChannel accepted) {
        return configured(new NioSocketChannel(accepted));
    }

    /** A socket for a pipe, to connect. */
    public static NioSocketChannel socket() {
        return configured(new NioSocketChannel());
    }

    /**
     * Reads nothing until its pipe starts: a socket registered with auto-read on would read as
     * soon as its loop ran, before the pipe is in its pipeline, and those bytes would be dropped.
     */
    private static NioSocketChannel configured(NioSocketChannel socket) {
        socket.config().setAutoRead(false);
        socket.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        socket.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(512, 8 * 1024, FRAME_BYTES));
        try {
            socket.config().setOption(ChannelOption.TCP_NODELAY, true);
            // a peer that vanished without a reset does not hold a tunnel forever
            socket.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        } catch (ChannelException closedAlready) {
            // the client left before its tunnel opened: the pipe resets it when it starts
        }
        return socket;
    }

    /** Resets a socket (SO_LINGER 0): its peer sees a reset, not an orderly close. Any thread. */
    public static void reset(Channel socket) {
        try {
            socket.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException closedAlready) {
            // nothing left to reset
        }
        socket.close();
    }

    /** Starts moving bytes both ways and asks the call for its first frames. */
    public void start() {
        onLoop(() -> {
            started = true;
            stats.countOpened();
            socket.pipeline().addLast("tunnel-" + name, this);
            if (!socket.isActive()) {
                reset("the connection closed before the tunnel opened");
                return;
            }
            call.request(FRAMES_AHEAD);
            readIfReady();
        });
    }

    /** The call can take more: reads the socket again. */
    public void onReady() {
        onLoop(this::readIfReady);
    }

    @Override
    public void onNext(TunnelFrame frame) {
        onLoop(() -> received(frame));
    }

    @Override
    public void onError(Throwable t) {
        onLoop(() -> {
            callEnded = true; // the other end is gone or cancelled: nothing can be said to it any more
            abort();
        });
    }

    @Override
    public void onCompleted() {
        onLoop(() -> {
            if (sentEnd && receivedEnd) {
                finish();
            } else {
                abort(); // the call ended before both directions did
            }
        });
    }

    // --- the socket's side (on the loop)

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        try {
            int n = data.readableBytes();
            if (!closed && !callEnded && n > 0) {
                // gRPC serializes the message into its own buffers within onNext: the wrap is safe
                send(TunnelFrame.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data.nioBuffer())).build());
                stats.countSent(n);
            }
        } finally {
            data.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfReady();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            endSent();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        reset("connection failed: " + cause.getMessage());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closed) {
            reset("the connection closed");
        }
    }

    private void readIfReady() {
        if (started && !closed && !callEnded && !sentEnd && call.isReady()) {
            socket.read();
        }
    }

    // --- the call's side (on the loop)

    private void received(TunnelFrame frame) {
        if (closed) {
            return;
        }
        if (frame.hasHello() || !frame.hasData() && !frame.hasEnd() || ++unwritten > FRAMES_AHEAD
                || frame.getData().size() > FRAME_BYTES) {
            // the memory bound holds only for frames of at most FRAME_BYTES, whatever the peer sends
            reset("protocol violation: " + (frame.hasHello() ? "a second hello"
                    : frame.getData().size() > FRAME_BYTES ? "a frame over " + FRAME_BYTES + " bytes"
                    : frame.hasData() || frame.hasEnd() ? "more frames than requested" : "a frame of an unknown kind"));
            return;
        }
        if (frame.hasData()) {
            int n = frame.getData().size();
            ChannelFuture write = socket.writeAndFlush(Unpooled.wrappedBuffer(frame.getData().asReadOnlyByteBuffer()));
            // before the listener: a write that completed at once runs it now, and its request may
            // hand the next frame to this method at once (the call's thread is this loop)
            lastWrite = write;
            write.addListener(written -> {
                if (!written.isSuccess()) {
                    reset("connection failed: " + written.cause().getMessage());
                } else if (!closed) {
                    unwritten--;
                    stats.countReceived(n);
                    call.request(1);
                }
            });
        } else if (frame.getEnd().getReset()) {
            abort();
        } else {
            afterWrites(() -> socket.shutdownOutput());
            receivedEnd = true;
            if (sentEnd) {
                completeCall();
            }
        }
    }

    private void send(TunnelFrame frame) {
        try {
            call.onNext(frame);
        } catch (RuntimeException callGone) {
            callEnded = true;
            abort();
        }
    }

    /** Sends this direction's half-close (the flag first: the peer may answer at once). */
    private void endSent() {
        if (closed || callEnded || sentEnd) {
            return;
        }
        sentEnd = true;
        send(TunnelFrame.newBuilder().setEnd(TunnelEnd.getDefaultInstance()).build());
        if (receivedEnd) {
            completeCall();
        }
    }

    /** Both directions ended cleanly: the call completes, the socket closes. */
    private void completeCall() {
        if (closed) {
            return;
        }
        if (!callEnded) {
            callEnded = true;
            try {
                call.onCompleted();
            } catch (IllegalStateException alreadyClosed) {
                // the other end completed the call first
            }
        }
        finish();
    }

    /** Tells the other end to reset its socket, resets this one. */
    private void reset(String why) {
        if (!closed && !callEnded) {
            callEnded = true;
            try {
                call.onNext(TunnelFrame.newBuilder().setEnd(TunnelEnd.newBuilder().setReset(true).setMessage(why))
                        .build());
                call.onCompleted(); // the other end, reading the reset, ends the whole call
            } catch (RuntimeException callGone) {
                endCall(why);
            }
        }
        abort();
    }

    /** Ends the call at once (a cancellation the other end sees), unless it has ended already. */
    private void endCall(String why) {
        try {
            call.onError(Status.CANCELLED.withDescription(why).asRuntimeException());
        } catch (RuntimeException alreadyClosed) {
            // nothing left to end
        }
    }

    /**
     * Resets the socket (SO_LINGER 0: the peer sees a reset, not an orderly close) and ends the
     * call if this end has not: a call left open would hold both ends' resources until the
     * agent's connection drops.
     */
    private void abort() {
        if (!callEnded) {
            callEnded = true;
            endCall("the tunnel's connection was reset");
        }
        if (markClosed()) {
            reset(socket);
        }
    }

    /** Closes the socket once what was written to it is out. */
    private void finish() {
        if (markClosed()) {
            afterWrites(socket::close);
        }
    }

    private boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        if (started) {
            stats.countClosed();
        }
        onClosed.run();
        return true;
    }

    /** Runs after every write so far completed (netty fails writes still queued at a shutdown). */
    private void afterWrites(Runnable action) {
        ChannelFuture last = lastWrite;
        if (last == null || last.isDone()) {
            action.run();
        } else {
            last.addListener(done -> action.run());
        }
    }

    private void onLoop(Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
            return;
        }
        try {
            loop.execute(action);
        } catch (RejectedExecutionException shuttingDown) {
            socket.close();
        }
    }
}
