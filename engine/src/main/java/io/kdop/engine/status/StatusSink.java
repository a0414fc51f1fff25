package io.kdop.engine.status;

import io.kdop.proto.v1.StatusReport;

/**
 * Where the engine reports the status of a host's workloads: every report is the whole host. The
 * agent's session sends it to the hub ({@link StatusBoard}); the hub writes it to the resources.
 * Called on the reconciler's thread: must not block.
 */
@FunctionalInterface
public interface StatusSink {

    /** The latest full report. */
    void publish(StatusReport report);
}
