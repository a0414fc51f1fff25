package io.kdop.engine.run;

import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.docker.DockerEndpoint;
import io.kdop.engine.plan.HostPathResolver;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.engine.store.DesiredStates;
import io.kdop.engine.store.JobRecords;
import io.kdop.proto.v1.HostIdentity;
import java.time.Clock;
import java.time.Duration;

/**
 * What a host of the engine (the agent for its local daemon, the hub for a daemon it drives
 * directly) hands it: the daemon, whose containers these are, where the desired state and the job
 * records are kept, how secret files get placed, and how host mounts are judged.
 *
 * @param host the DockerHost identity: its UID labels every container, its policy is enforced
 * @param hostPaths resolves host paths as Docker will bind them, for the host's policy
 * @param jobBackoff the wait between a job's failed attempts
 * @param resyncInterval how often a pass runs when nothing asks for one
 */
public record EngineSetup(DockerEndpoint docker, HostIdentity host, DesiredStates desired, JobRecords records,
        SecretPlacement secrets, MountGuard mounts, HostPathResolver hostPaths, Backoff jobBackoff,
        Duration resyncInterval, Clock clock) {}
