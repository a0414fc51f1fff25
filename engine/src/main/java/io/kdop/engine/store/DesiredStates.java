package io.kdop.engine.store;

import io.kdop.proto.v1.DesiredState;
import java.util.Optional;

/**
 * The desired state the engine enforces: the last snapshot made durable before anyone acts on it
 * (the agent keeps it on its disk, the hub in Kubernetes). Read at every pass.
 */
@FunctionalInterface
public interface DesiredStates {

    /** The snapshot to enforce; empty when none was ever received (then nothing is known to be undesired). */
    Optional<DesiredState> current();
}
