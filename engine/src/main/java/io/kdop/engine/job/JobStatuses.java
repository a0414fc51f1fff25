package io.kdop.engine.job;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.job.JobAction.Hold;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.Phase;
import io.kdop.proto.v1.JobProgress;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.Optional;

/**
 * The status of a job, from its durable record (never from memory alone: an outcome is reported
 * only once it is persisted) and its container as observed. Pure.
 *
 * <p>Phases: Pending (not begun, waiting for the first attempt, for a retry, for an image or for a
 * name), Pulling, Running, Succeeded, Failed (final: BackoffLimitExceeded, DeadlineExceeded or
 * JobRecordUnreadable).
 */
public final class JobStatuses {

    private JobStatuses() {}

    /**
     * @param desired the job as desired, used only while there is no record
     * @param record the agent's record, null when it has none
     * @param current the current attempt's container (see {@link JobRules#current}), when observed
     * @param containersObserved false when Docker could not be read: nothing is concluded from a missing container
     * @param failure the job's last failed Docker operation, if any
     * @param hold why the job cannot go on, null if nothing holds it
     */
    public static WorkloadStatus of(JobSpec desired, JobRecord record, Optional<JobContainer> current,
            boolean containersObserved, Optional<FailureTracker.Failure> failure, Hold hold, long revision) {
        WorkloadRef workload = workload(record != null ? record.spec() : desired);
        WorkloadStatus.Builder s = WorkloadStatus.newBuilder().setWorkload(workload).setObservedRevision(revision);
        current.ifPresent(c -> {
            s.setContainerId(c.id()).setStartedAt(c.state().startedAt()).setHealth(c.state().health())
                    .setIpv4(c.state().ipv4());
            if (c.ended()) {
                s.setExitCode(c.state().exitCode());
            }
        });
        JobProgress.Builder progress = JobProgress.newBuilder();
        if (record == null) {
            s.setJob(progress);
            return waiting(s, "waiting to start", failure, hold);
        }
        // an attempt recorded as starting may never run (a deadline, a failed create): the hub keeps
        // the highest count it was told, so it is counted once it runs
        progress.setAttempts(record.state() == JobRecord.State.STARTING ? record.attempts() - 1 : record.attempts())
                .setSpecDigest(record.specDigest())
                .setContainerRemoved(record.containerRemoved() || record.finished() && containersObserved
                        && current.isEmpty());
        if (record.startTime() != null) {
            progress.setStartTime(record.startTime().toString());
        }
        if (record.completionTime() != null) {
            progress.setCompletionTime(record.completionTime().toString());
        }
        if (record.exitCode() != null) {
            progress.setExitCode(record.exitCode());
            s.setExitCode(record.exitCode());
        }
        s.setJob(progress);
        String of = record.attempts() + " of " + record.maxAttempts();
        return switch (record.state()) {
            case PENDING -> waiting(s, "waiting for the first attempt", failure, hold);
            case STARTING -> waiting(s, "starting attempt " + of, failure, hold);
            case BACKOFF -> waiting(s, record.message(), failure, hold);
            case RUNNING -> current.filter(JobContainer::created).isPresent()
                    ? s.setPhase(Phase.Pending.name()).setMessage("attempt " + of + " is being started").build()
                    : s.setPhase(Phase.Running.name()).setMessage("attempt " + of + " is running").build();
            case SUCCEEDED -> s.setPhase(Phase.Succeeded.name()).setMessage(record.message()).build();
            case FAILED -> s.setPhase(Phase.Failed.name()).setReason(record.reason()).setMessage(record.message()).build();
        };
    }

    /** While the image of the next attempt is pulled. */
    public static WorkloadStatus pulling(WorkloadStatus previous, JobSpec spec, String image, long revision) {
        WorkloadStatus.Builder s = previous != null ? previous.toBuilder().clearReason()
                : WorkloadStatus.newBuilder().setWorkload(workload(spec)).setJob(JobProgress.getDefaultInstance());
        return s.setObservedRevision(revision).setPhase(Phase.Pulling.name()).setMessage("pulling image " + image).build();
    }

    /** A job no longer desired whose container is still there (its removal is under way or failed). */
    public static WorkloadStatus leftover(JobContainer c, Optional<FailureTracker.Failure> failure, long revision) {
        WorkloadStatus.Builder s = WorkloadStatus.newBuilder().setWorkload(c.workload()).setObservedRevision(revision)
                .setPhase(Phase.Removing.name()).setContainerId(c.id()).setStartedAt(c.state().startedAt());
        return failure.map(f -> s.setReason(f.reason().name()).setMessage("no longer desired; " + f.message()))
                .orElseGet(() -> s.setMessage("no longer desired; being removed")).build();
    }

    private static WorkloadStatus waiting(WorkloadStatus.Builder s, String message,
            Optional<FailureTracker.Failure> failure, Hold hold) {
        s.setPhase(Phase.Pending.name());
        if (hold != null) {
            return s.setReason(hold.reason().name()).setMessage(hold.message()).build();
        }
        if (failure.isPresent()) {
            FailureTracker.Failure f = failure.get();
            return s.setReason(f.reason().name()).setMessage(f.message() + " (failed " + f.attempts()
                    + " time(s); next try at " + f.retryAt() + "; not counted as an attempt)").build();
        }
        return s.setMessage(message).build();
    }

    private static WorkloadRef workload(JobSpec spec) {
        WorkloadRef w = spec.getContainer().getWorkload();
        return w.getKind().isEmpty() ? w.toBuilder().setKind(ManagedContainers.DOCKER_JOB).build() : w;
    }
}
