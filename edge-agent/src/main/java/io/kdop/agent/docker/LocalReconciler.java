package io.kdop.agent.docker;

import io.kdop.agent.hostfs.HostPaths;
import io.kdop.agent.store.JobRecordStore;
import io.kdop.agent.store.SecretFileStore;
import io.kdop.agent.store.StateDirectory;
import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.docker.DockerEndpoint;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.run.EngineSetup;
import io.kdop.engine.run.ReconcileLoop;
import io.kdop.engine.run.Workloads;
import io.kdop.engine.secrets.SecretLayout;
import io.kdop.engine.store.DesiredStates;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The agent as a host of the reconcile engine: the engine on the local Docker daemon, with the
 * job records and secret files in the agent's state directory and host mount paths resolved where
 * the agent sees the host's "/".
 */
public final class LocalReconciler {

    private LocalReconciler() {}

    /**
     * What the agent starts once it knows its identity: a loop on the Docker daemon at
     * {@code dockerHost}, with secret files under {@code <stateDir>/secrets} and job records under
     * {@code <stateDir>/jobs}, resolving host mount paths where it sees the host's "/",
     * {@code hostRoot} (see {@link HostPaths}).
     */
    public static Workloads.Starter starter(String dockerHost, Path stateDir, Path hostRoot, Duration resyncInterval,
            Backoff jobBackoff) {
        return (host, desired) -> start(dockerHost, stateDir, hostRoot, resyncInterval, jobBackoff, host, desired,
                Clock.systemUTC());
    }

    /** {@link #start(String, Path, Duration, Backoff, HostIdentity, DesiredStates, Clock)} with the default job backoff. */
    public static ReconcileLoop start(String dockerHost, Path stateDir, Duration resyncInterval, HostIdentity host,
            DesiredStates desired, Clock clock) throws IOException {
        return start(dockerHost, stateDir, resyncInterval, Backoff.JOBS, host, desired, clock);
    }

    /** An agent that runs on the host itself: it sees the host's "/" as its own. */
    public static ReconcileLoop start(String dockerHost, Path stateDir, Duration resyncInterval, Backoff jobBackoff,
            HostIdentity host, DesiredStates desired, Clock clock) throws IOException {
        return start(dockerHost, stateDir, Path.of("/"), resyncInterval, jobBackoff, host, desired, clock);
    }

    /**
     * Builds the loop and its Docker clients and starts it (the first pass runs at once).
     *
     * @throws IOException when the job records cannot be read
     */
    public static ReconcileLoop start(String dockerHost, Path stateDir, Path hostRoot, Duration resyncInterval,
            Backoff jobBackoff, HostIdentity host, DesiredStates desired, Clock clock) throws IOException {
        JobRecordStore records = JobRecordStore.open(stateDir, clock);
        SecretFileStore secrets = new SecretFileStore(
                new SecretLayout(stateDir.resolve(StateDirectory.SECRETS_DIRECTORY)));
        HostPaths hostPaths = new HostPaths(hostRoot, stateDir);
        MountGuard mounts = MountGuard.of(stateDir, dockerHost, hostPaths);
        return ReconcileLoop.start(new EngineSetup(DockerEndpoint.of(dockerHost), host, desired, records, secrets,
                mounts, hostPaths, jobBackoff, resyncInterval, clock));
    }
}
