package io.kdop.proto.tunnel;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.proto.v1.TunnelEnd;
import io.kdop.proto.v1.TunnelFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Joins one TCP socket and one Tunnel call: the same class on both ends (the hub's client
 * connection, the agent's container connection).
 *
 * <p>Backpressure end to end, memory bounded: the socket is read only while the call is ready
 * to send (gRPC's outbound buffer stays under {@link #ON_READY_THRESHOLD}), and a frame is
 * requested from the call only when one was written to the socket (manual inbound flow control,
 * {@link #FRAMES_AHEAD} in advance), so a slow reader stops HTTP/2's window for this call alone
 * and, through it, the sender's socket reads. Per pipe and direction: one read buffer of
 * {@link #FRAME_BYTES}, at most {@link #FRAMES_AHEAD} frames waiting to be written, the outbound
 * threshold, and the call's HTTP/2 window.
 *
 * <p>Half-close both ways ({@code end} without reset, then {@code shutdownOutput}); a reset or a
 * failure on either side resets the other side's socket (SO_LINGER 0).
 */
public final class TunnelPipe implements StreamObserver<TunnelFrame> {

    /** Bytes read from the socket per frame. */
    public static final int FRAME_BYTES = 64 * 1024;

    /**
     * Frames requested from the call ahead of the socket writer: one at a time would make every
     * frame wait for a round trip through the transport's thread (measured: 77 MiB/s).
     */
    static final int FRAMES_AHEAD = 8;

    /**
     * Bytes the call may buffer outbound before it stops being ready; gRPC's default (32 KiB, one
     * frame) would stall the socket reader after every frame until the transport flushed it.
     * Both ends set it on their Tunnel call.
     */
    public static final int ON_READY_THRESHOLD = 128 * 1024;

    /** Markers in the queue to the socket: the pipe closed; the other end completed the call. */
    private static final TunnelFrame CLOSED = TunnelFrame.getDefaultInstance();
    private static final TunnelFrame PEER_DONE = TunnelFrame.newBuilder().setData(ByteString.EMPTY).build();

    private final String name;
    private final Socket socket;
    private final CallStreamObserver<TunnelFrame> call;
    private final TunnelStats stats;
    private final Runnable onClosed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final BlockingQueue<TunnelFrame> toSocket = new ArrayBlockingQueue<>(FRAMES_AHEAD + 2);
    private boolean sentEnd;
    private boolean receivedEnd;
    private boolean closed;
    /** This end has ended the call (or the other end did): nothing more may be sent on it. */
    private boolean callEnded;

    /**
     * @param call the call's sending side; its inbound flow control must be manual (the pipe
     *     requests every frame), and its on-ready handler must call {@link #onReady()}
     * @param onClosed runs once when the pipe is done, whichever way
     */
    public TunnelPipe(String name, Socket socket, CallStreamObserver<TunnelFrame> call, TunnelStats stats,
            Runnable onClosed) {
        this.name = name;
        this.socket = socket;
        this.call = call;
        this.stats = stats;
        this.onClosed = onClosed;
    }

    /** Starts moving bytes both ways (two platform threads) and asks the call for its first frames. */
    public void start() {
        stats.countOpened();
        Thread.ofPlatform().daemon().name("tunnel-in-" + name).start(this::socketToCall);
        Thread.ofPlatform().daemon().name("tunnel-out-" + name).start(this::callToSocket);
        call.request(FRAMES_AHEAD);
    }

    /** The call can take more: wakes the socket reader. */
    public void onReady() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onNext(TunnelFrame frame) {
        if (frame.hasHello() || !frame.hasData() && !frame.hasEnd() || !toSocket.offer(frame)) {
            reset("protocol violation: " + (frame.hasHello() ? "a second hello"
                    : frame.hasData() || frame.hasEnd() ? "more frames than requested" : "a frame of an unknown kind"));
        }
    }

    @Override
    public void onError(Throwable t) {
        lock.lock();
        try {
            callEnded = true; // the other end is gone or cancelled: nothing can be said to it any more
        } finally {
            lock.unlock();
        }
        abort();
    }

    @Override
    public void onCompleted() {
        toSocket.offer(PEER_DONE); // after every frame it sent, in order
    }

    private void socketToCall() {
        byte[] buffer = new byte[FRAME_BYTES];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    endSent();
                    return;
                }
                if (!awaitReady()) {
                    return;
                }
                ByteString data;
                if (n < FRAME_BYTES / 4) {
                    data = ByteString.copyFrom(buffer, 0, n); // small: a copy is cheaper than a new buffer
                } else {
                    data = UnsafeByteOperations.unsafeWrap(buffer, 0, n); // the frame owns this buffer now
                    buffer = new byte[FRAME_BYTES];
                }
                send(TunnelFrame.newBuilder().setData(data).build());
                stats.countSent(n);
            }
        } catch (IOException | RuntimeException e) {
            reset("connection failed: " + e.getMessage());
        }
    }

    private void callToSocket() {
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                TunnelFrame frame = toSocket.take();
                if (frame == CLOSED) {
                    return;
                }
                if (frame == PEER_DONE) {
                    if (bothEnded()) {
                        finish();
                    } else {
                        abort(); // the call ended before both directions did
                    }
                    return;
                }
                if (frame.hasData()) {
                    frame.getData().writeTo(out);
                    stats.countReceived(frame.getData().size());
                    call.request(1);
                } else if (frame.getEnd().getReset()) {
                    abort();
                    return;
                } else {
                    socket.shutdownOutput();
                    endReceived();
                }
            }
        } catch (IOException | RuntimeException e) {
            reset("connection failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        }
    }

    /** Waits until the call takes more; false when the pipe closed meanwhile. */
    private boolean awaitReady() {
        lock.lock();
        try {
            while (!closed && !call.isReady()) {
                ready.await();
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void send(TunnelFrame frame) {
        lock.lock();
        try {
            if (!closed && !callEnded) {
                call.onNext(frame);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends this direction's half-close (the flag first: the peer may answer at once). */
    private void endSent() {
        boolean both;
        lock.lock();
        try {
            if (closed || callEnded) {
                return;
            }
            sentEnd = true;
            both = receivedEnd;
            call.onNext(TunnelFrame.newBuilder().setEnd(TunnelEnd.getDefaultInstance()).build());
        } finally {
            lock.unlock();
        }
        if (both) {
            completeCall();
        }
    }

    private void endReceived() {
        boolean both;
        lock.lock();
        try {
            receivedEnd = true;
            both = sentEnd;
        } finally {
            lock.unlock();
        }
        if (both) {
            completeCall();
        }
    }

    private boolean bothEnded() {
        lock.lock();
        try {
            return sentEnd && receivedEnd;
        } finally {
            lock.unlock();
        }
    }

    /** Both directions ended cleanly: the call completes, the socket closes. */
    private void completeCall() {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
        finish();
    }

    /** Tells the other end to reset its socket, resets this one. */
    private void reset(String why) {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
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
        lock.lock();
        try {
            if (!callEnded) {
                callEnded = true;
                endCall("the tunnel's connection was reset");
            }
        } finally {
            lock.unlock();
        }
        if (markClosed()) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closing anyway
            }
            closeSocket();
        }
    }

    private void finish() {
        if (markClosed()) {
            closeSocket();
        }
    }

    private boolean markClosed() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        toSocket.clear();
        toSocket.offer(CLOSED);
        return true;
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
        stats.countClosed();
        onClosed.run();
    }
}
