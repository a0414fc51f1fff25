package io.kdop.proto.tunnel;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one end's tunnels (open, opened in all, bytes each way), kept for metrics. */
public final class TunnelStats {

    private final AtomicLong open = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    void countOpened() {
        opened.incrementAndGet();
        open.incrementAndGet();
    }

    void countClosed() {
        open.decrementAndGet();
    }

    void countSent(long bytes) {
        bytesSent.addAndGet(bytes);
    }

    void countReceived(long bytes) {
        bytesReceived.addAndGet(bytes);
    }

    /** Tunnels carrying a connection right now. */
    public long open() {
        return open.get();
    }

    /** Tunnels opened since the start. */
    public long openedTotal() {
        return opened.get();
    }

    /** Bytes read from this end's sockets and sent through tunnels. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Bytes received through tunnels and written to this end's sockets. */
    public long bytesReceived() {
        return bytesReceived.get();
    }
}
