package io.kdop.engine.status;

import io.kdop.proto.v1.StatusReport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The latest full status report of the host's workloads, shared between the reconciler (which
 * publishes) and the hub sessions (which send). Listeners hear of every change; they must only
 * enqueue, never block, since they run on the reconciler's thread.
 */
public final class StatusBoard implements StatusSink {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile StatusReport latest;

    /** Makes this the latest report and tells the listeners, unless it equals the latest. */
    @Override
    public void publish(StatusReport report) {
        if (report.equals(latest)) {
            return;
        }
        latest = report;
        listeners.forEach(Runnable::run);
    }

    /** The latest report; empty until the reconciler published one. */
    public Optional<StatusReport> latest() {
        return Optional.ofNullable(latest);
    }

    /** Calls {@code listener} after every change until the returned handle is closed. */
    public Subscription subscribe(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Ends a subscription. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
