package io.kdop.agent.reconcile;

import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What keeps the host's containers as the desired state says, for as long as the agent runs,
 * independently of the hub session: the session tells it of a new snapshot and sends the status
 * it publishes.
 */
public interface Workloads extends AutoCloseable {

    /** A new desired state was persisted: reconcile soon. */
    void desiredStateChanged();

    /** Where the status of the workloads is published. */
    StatusBoard status();

    /** Where tunnels reach the containers. */
    default ContainerAddresses addresses() {
        return ContainerAddresses.NONE;
    }

    @Override
    void close();

    /** Starts enforcing for one host identity, from the snapshot {@code desired} returns now and later. */
    @FunctionalInterface
    interface Starter {
        Workloads start(HostIdentity host, Supplier<Optional<DesiredState>> desired) throws IOException;
    }

    /** Runs nothing and publishes no status: for an agent without a Docker reconciler (tests of the session). */
    Starter NONE = (host, desired) -> {
        StatusBoard board = new StatusBoard();
        return new Workloads() {
            @Override
            public void desiredStateChanged() {}

            @Override
            public StatusBoard status() {
                return board;
            }

            @Override
            public void close() {}
        };
    };
}
