package io.kdop.engine.job;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.Reason;
import io.kdop.proto.v1.RegistryCredential;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The one next thing to do about a job, as {@link JobRules} decides it; carried out by the Docker side. */
public sealed interface JobAction {

    /**
     * Nothing to do now.
     *
     * @param wakeAt when to look again (the next attempt, the deadline, the TTL), null when only a change can help
     * @param hold why the job cannot go on, null when it simply waits
     */
    record Wait(Instant wakeAt, Hold hold) implements JobAction {}

    /** Persist this record; nothing changes in Docker. */
    record Save(JobRecord record, String why) implements JobAction {}

    /**
     * Start the attempt {@code starting} announces: pull if asked (a failed pull is no attempt),
     * persist {@code starting} (write-ahead), remove {@code removeFirst}, then either create and
     * start {@code fresh} or {@code docker start} the failed container {@code reuse} again.
     *
     * @param fresh the container to create, null when {@code reuse} is set
     * @param reuse the failed container to start again (OnFailure), null for a fresh one
     * @param attemptKey what failures of the pull or the create are kept under (see FailureTracker)
     */
    record StartAttempt(JobRecord starting, DesiredContainer fresh, JobContainer reuse, List<JobContainer> removeFirst,
            boolean pull, Optional<RegistryCredential> credential, String attemptKey) implements JobAction {

        public StartAttempt {
            removeFirst = List.copyOf(removeFirst);
        }

        public String image() {
            return starting.spec().getContainer().getImage();
        }
    }

    /**
     * The recorded attempt is found in Docker (after a restart, or right after its start): make
     * {@code running} the record, starting the container first when {@code start} (it was only created).
     */
    record Adopt(JobRecord running, JobContainer container, boolean start) implements JobAction {}

    /**
     * The current attempt ended ({@code container} exited; null: it vanished): read its output,
     * record the outcome. When {@code forgivable}, the driver asks the daemon first: an attempt
     * the Docker daemon stopped by stopping itself is retried without counting (see
     * {@link JobRules#attemptInterrupted}).
     */
    record EndAttempt(JobContainer container, boolean forgivable) implements JobAction {
        public EndAttempt(JobContainer container) {
            this(container, false);
        }
    }

    /**
     * The active deadline passed: kill {@code container} if it still runs (null: no attempt runs),
     * read its output and record the job as failed.
     */
    record Expire(JobContainer container) implements JobAction {}

    /** Remove containers (the TTL passed, or leftovers of earlier attempts); then persist {@code after} unless null. */
    record RemoveContainers(List<JobContainer> containers, JobRecord after, String why) implements JobAction {

        public RemoveContainers {
            containers = List.copyOf(containers);
        }
    }

    /** The job is no longer desired nor retained: remove its containers, then its record and secret files. */
    record Forget(List<JobContainer> containers) implements JobAction {

        public Forget {
            containers = List.copyOf(containers);
        }
    }

    /** Why a job cannot go on, for its status (it stays Pending: nothing ran because of it). */
    record Hold(Reason reason, String message) {}
}
