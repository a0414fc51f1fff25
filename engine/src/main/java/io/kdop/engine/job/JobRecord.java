package io.kdop.engine.job;

import io.kdop.proto.v1.JobRestartPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent knows durably about one job, kept in {@code <state-dir>/jobs/<uid>.json}. It is
 * written before the step it announces (an attempt is recorded as starting before its container
 * is created) and an outcome is written before it is reported, so a restarted agent never runs
 * an attempt twice nor a finished job again.
 *
 * @param spec the spec the job runs with; frozen once the first attempt starts (later specs are
 *     ignored), never holding a {@code finished} hint
 * @param attempts attempts started so far, the one in {@link State#STARTING} included
 * @param startTime when the agent began the job (the start of the active deadline); null when the
 *     record was made from the hub's outcome after the agent's own was lost
 * @param containerId the container of the current (or last) attempt, "" when not known yet
 * @param previousStartedAt for an attempt that re-starts the failed container (OnFailure): Docker's
 *     StartedAt of that container before the restart, so a restarted agent can tell whether the
 *     {@code docker start} happened
 * @param exitCode of the last attempt that exited; null if none did
 * @param nextAttemptAt in {@link State#BACKOFF}: when the next attempt may start
 * @param completionTime when it succeeded or failed for good; null while it is not finished
 * @param reason a {@link io.kdop.engine.plan.Reason} name for a failure, else ""
 * @param message what the status says about the outcome or the wait ("" when there is nothing to say)
 * @param lastOutput the redacted tail of the output of the last attempt that ended
 * @param containerRemoved the finished job's container was removed (ttl_seconds_after_finished)
 * @param interruptions attempts that ended because the Docker daemon stopped under them: they
 *     have their number but do not count against backoff_limit (up to {@link #FORGIVEN_INTERRUPTIONS})
 */
public record JobRecord(JobSpec spec, State state, int attempts, Instant startTime, String containerId,
        String previousStartedAt, Integer exitCode, Instant nextAttemptAt, Instant completionTime, String reason,
        String message, String lastOutput, boolean containerRemoved, int interruptions) {

    /** A daemon that keeps stopping under a job eventually fails it like any other cause. */
    public static final int FORGIVEN_INTERRUPTIONS = 3;

    /** Where a job stands. */
    public enum State {
        /** Begun (start time set) but no attempt started yet: pulling, or waiting for something. */
        PENDING,
        /** Attempt {@code attempts} is about to start: its container may or may not exist yet. */
        STARTING,
        /** Attempt {@code attempts} was started in container {@code containerId}. */
        RUNNING,
        /** Attempt {@code attempts} failed; the next one starts at {@code nextAttemptAt}. */
        BACKOFF,
        /** An attempt exited with code 0. Final. */
        SUCCEEDED,
        /** Out of attempts, past the deadline, or unknowable. Final. */
        FAILED
    }

    public JobRecord {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        spec = spec.hasFinished() ? spec.toBuilder().clearFinished().build() : spec;
        containerId = containerId == null ? "" : containerId;
        previousStartedAt = previousStartedAt == null ? "" : previousStartedAt;
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
        lastOutput = lastOutput == null ? "" : lastOutput;
    }

    /** A job the agent begins now: no attempt yet. */
    public static JobRecord begin(JobSpec spec, Instant now) {
        return new JobRecord(spec, State.PENDING, 0, now, "", "", null, null, null, "", "", "", false, 0);
    }

    public String uid() {
        return workload().getUid();
    }

    public WorkloadRef workload() {
        return spec.getContainer().getWorkload();
    }

    public String specDigest() {
        return spec.getSpecDigest();
    }

    public boolean finished() {
        return state == State.SUCCEEDED || state == State.FAILED;
    }

    /** backoff_limit + 1 (a negative limit counts as 0), plus the attempts Docker's restarts interrupted. */
    public int maxAttempts() {
        return Math.max(0, spec.getBackoffLimit()) + 1 + Math.min(interruptions, FORGIVEN_INTERRUPTIONS);
    }

    /** A failed attempt restarts the same container (OnFailure) rather than a fresh one (Never). */
    public boolean restartsInPlace() {
        return spec.getRestartPolicy() == JobRestartPolicy.JOB_RESTART_ON_FAILURE;
    }

    /** When the job is killed if it has not finished: start time + active_deadline_seconds. */
    public Optional<Instant> deadline() {
        if (spec.getActiveDeadlineSeconds() <= 0 || startTime == null) {
            return Optional.empty();
        }
        return later(startTime, spec.getActiveDeadlineSeconds());
    }

    /** When the finished job's container is removed; empty without a TTL or before it finished. */
    public Optional<Instant> removalTime() {
        if (!finished() || !spec.hasTtlSecondsAfterFinished() || completionTime == null) {
            return Optional.empty();
        }
        return later(completionTime, Math.max(0, spec.getTtlSecondsAfterFinished()));
    }

    /** The instant, or empty when it lies past the end of time (the hub does not bound these seconds). */
    private static Optional<Instant> later(Instant from, long seconds) {
        try {
            return Optional.of(from.plusSeconds(seconds));
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** The same record running another spec (only before the first attempt: see JobRules). */
    public JobRecord withSpec(JobSpec newSpec) {
        return new JobRecord(newSpec, state, attempts, startTime, containerId, previousStartedAt, exitCode,
                nextAttemptAt, completionTime, reason, message, lastOutput, containerRemoved, interruptions);
    }

    /**
     * Attempt {@code attempt} is about to start.
     *
     * @param reusedId the failed container that is started again (OnFailure), "" for a fresh one
     * @param reusedStartedAt that container's StartedAt now
     */
    public JobRecord starting(int attempt, String reusedId, String reusedStartedAt) {
        return new JobRecord(spec, State.STARTING, attempt, startTime, reusedId, reusedStartedAt, exitCode, null, null,
                "", "", lastOutput, false, interruptions);
    }

    /** The current attempt runs in this container. */
    public JobRecord running(String id) {
        return new JobRecord(spec, State.RUNNING, attempts, startTime, id, "", exitCode, null, null, "", "", lastOutput,
                false, interruptions);
    }

    /** The current attempt failed and another one follows at {@code next}. */
    public JobRecord backoff(Integer code, Instant next, String why, String output) {
        return new JobRecord(spec, State.BACKOFF, attempts, startTime, containerId, "", code, next, null, "", why, output,
                false, interruptions);
    }

    /**
     * The current attempt was cut off by the Docker daemon stopping; the next one follows at
     * {@code next} without this one counting against backoff_limit.
     */
    public JobRecord interrupted(Integer code, Instant next, String why, String output) {
        return new JobRecord(spec, State.BACKOFF, attempts, startTime, containerId, "", code, next, null, "", why,
                output, false, interruptions + 1);
    }

    /** The job is over: {@code reason} "" for success. */
    public JobRecord finish(State outcome, Integer code, Instant at, String why, String text, String output) {
        if (outcome != State.SUCCEEDED && outcome != State.FAILED) {
            throw new IllegalArgumentException("not an outcome: " + outcome);
        }
        return new JobRecord(spec, outcome, attempts, startTime, containerId, "", code, null, at, why, text, output,
                false, interruptions);
    }

    /**
     * The same record after the wall clock jumped by {@code jump}: an unfinished job's start (the
     * origin of its deadline) and its next attempt move with the clock, so they keep their
     * distance from now. A finished job keeps its times: they were right when it finished.
     */
    public JobRecord shifted(Duration jump) {
        if (finished()) {
            return this;
        }
        return new JobRecord(spec, state, attempts, startTime == null ? null : startTime.plus(jump), containerId,
                previousStartedAt, exitCode, nextAttemptAt == null ? null : nextAttemptAt.plus(jump), completionTime,
                reason, message, lastOutput, containerRemoved, interruptions);
    }

    /** The finished job's container is gone (TTL). */
    public JobRecord withContainerRemoved() {
        return new JobRecord(spec, state, attempts, startTime, containerId, previousStartedAt, exitCode, nextAttemptAt,
                completionTime, reason, message, lastOutput, true, interruptions);
    }
}
