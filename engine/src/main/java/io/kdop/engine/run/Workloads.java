package io.kdop.engine.run;

import io.kdop.engine.docker.ContainerAddresses;
import io.kdop.engine.status.StatusBoard;
import io.kdop.engine.store.DesiredStates;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;

/**
 * What keeps a host's containers as the desired state says, for as long as its host (the agent,
 * or the hub for a host it drives directly) runs, independently of any hub session: the host tells
 * it of a new snapshot and forwards the status it publishes.
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
        Workloads start(HostIdentity host, DesiredStates desired) throws IOException;
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
