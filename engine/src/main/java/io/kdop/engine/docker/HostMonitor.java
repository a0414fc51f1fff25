package io.kdop.engine.docker;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the latest {@link HostSnapshot} fresh on its own virtual thread, every {@code interval}
 * and on demand, so that no reader ever waits on Docker: a slow or hung daemon (each call may take
 * seconds) must not delay heartbeats, the welcome or a certificate renewal.
 */
public final class HostMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostMonitor.class);

    private final HostInspector inspector;
    private final Duration interval;
    private final CountDownLatch firstInspection = new CountDownLatch(1);
    // one pending wake-up is enough: the next inspection reads everything afresh
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private volatile HostSnapshot latest = HostSnapshot.UNKNOWN;
    private volatile Thread thread;
    private volatile boolean closed;

    public HostMonitor(HostInspector inspector, Duration interval) {
        this.inspector = inspector;
        this.interval = interval;
    }

    /** Starts inspecting at once; returns without waiting for it. */
    public HostMonitor start() {
        thread = Thread.ofVirtual().name("kdop-host-monitor").start(this::loop);
        return this;
    }

    /** The latest snapshot, never waiting; {@link HostSnapshot#UNKNOWN} until a first inspection finished. */
    public HostSnapshot latest() {
        return latest;
    }

    /**
     * The latest snapshot, waiting at most {@code maxWait} for the first inspection if none
     * finished yet; afterwards it never waits.
     */
    public HostSnapshot awaitFirst(Duration maxWait) throws InterruptedException {
        firstInspection.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        return latest;
    }

    /** Asks for an inspection now rather than at the next interval (coalesced with one already asked for). */
    public void refreshSoon() {
        wake.offer(Boolean.TRUE);
    }

    private void loop() {
        boolean failing = false;
        while (!closed) {
            try {
                latest = inspector.inspect();
                failing = false;
            } catch (RuntimeException e) {
                // an inspector should not throw; if one does, keep the last snapshot and try again
                if (!failing) {
                    LOG.warn("cannot read the host's facts: {}", e.toString());
                    failing = true;
                }
            }
            firstInspection.countDown();
            try {
                wake.poll(interval.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            // an inspection stuck in Docker may not notice the interrupt: do not wait for it long
            t.join(Duration.ofSeconds(1));
        }
    }
}
