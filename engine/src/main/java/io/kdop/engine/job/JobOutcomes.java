package io.kdop.engine.job;

import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.job.JobRecord.State;
import io.kdop.engine.plan.Reason;
import io.kdop.proto.v1.JobSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The records that follow what happened to a job in Docker: an attempt ended, was interrupted by
 * the daemon, could not start, or the deadline passed; and the records of jobs found without one.
 * Pure, as {@link JobRules}; the words are {@link JobMessages}'.
 */
public final class JobOutcomes {

    private final Backoff backoff;

    public JobOutcomes(Backoff backoff) {
        this.backoff = backoff;
    }

    /** The wait between failed attempts. */
    public Backoff backoff() {
        return backoff;
    }

    /**
     * The attempt in {@code container} exited (null: its container vanished before it was seen to
     * exit, which counts as a failure).
     *
     * @param tail the attempt's output tail, redacted (see {@link OutputTail})
     */
    public JobRecord attemptEnded(JobRecord r, JobContainer container, String tail, Instant now) {
        if (container == null) {
            return failed(r, r.exitCode(), now, JobMessages.containerVanished(r), tail, now);
        }
        Instant at = finishedAt(container, now);
        int code = container.state().exitCode();
        if (code == 0) {
            return r.finish(State.SUCCEEDED, 0, at, "", JobMessages.succeeded(r), tail);
        }
        return failed(r, code, at, JobMessages.exited(r, code, container.state().oomKilled()), tail, now);
    }

    /**
     * The attempt in {@code container} was stopped by the Docker daemon stopping (it refused new
     * connections when the container died): it does not count against backoff_limit, and the
     * next attempt follows after the first backoff step, by when the daemon is usually back.
     */
    public JobRecord attemptInterrupted(JobRecord r, JobContainer container, String tail, Instant now) {
        int code = container.state().exitCode();
        Instant next = finishedAt(container, now).plus(backoff.after(1));
        // forgivable() held: the next attempt gets one more
        return r.interrupted(code, next.isBefore(now) ? now : next, JobMessages.interrupted(r, code, next), tail);
    }

    /** The attempt's container could not be started ({@code exitCode} as Docker set it, 0 if it did not). */
    public JobRecord startFailed(JobRecord r, int exitCode, String dockerError, Instant now) {
        int code = exitCode != 0 ? exitCode : 128;
        return failed(r, code, now, JobMessages.couldNotStart(r, code, dockerError), "", now);
    }

    private JobRecord failed(JobRecord r, Integer code, Instant at, String what, String tail, Instant now) {
        if (r.attempts() >= r.maxAttempts()) {
            return r.finish(State.FAILED, code, at, Reason.BackoffLimitExceeded.name(),
                    JobMessages.limitReached(what, r, tail), tail);
        }
        Instant next = at.plus(backoff.after(r.attempts()));
        if (next.isBefore(at)) {
            next = now;
        }
        return r.backoff(code, next, JobMessages.nextAttempt(what, r, next), tail);
    }

    /**
     * The active deadline passed before the job finished.
     *
     * @param killed the attempt's container as it was after the kill; null when no attempt was running
     * @param tail the killed attempt's output tail, or null to keep the last ended attempt's
     */
    public static JobRecord deadlineExceeded(JobRecord r, JobContainer killed, String tail, Instant now) {
        String output = tail == null ? r.lastOutput() : tail;
        Integer code = killed != null && killed.ended() ? Integer.valueOf(killed.state().exitCode()) : r.exitCode();
        JobRecord counted = r;
        if (r.state() == State.STARTING && killed == null) {
            // the attempt announced never ran: it is not reported as started
            counted = new JobRecord(r.spec(), r.state(), r.attempts() - 1, r.startTime(), r.containerId(),
                    r.previousStartedAt(), r.exitCode(), null, null, "", "", r.lastOutput(), false, r.interruptions());
        }
        return counted.finish(State.FAILED, code, now, Reason.DeadlineExceeded.name(),
                JobMessages.deadlineExceeded(r, killed != null, output), output);
    }

    /** A record for a job the hub says finished, of which the agent has no record: it only awaits clean-up. */
    static JobRecord fromOutcome(JobSpec spec, Optional<JobContainer> newest, Instant now) {
        boolean succeeded = spec.getFinished().getSucceeded();
        Instant at = parse(spec.getFinished().getCompletionTime()).orElse(now);
        return new JobRecord(spec, State.PENDING, newest.map(JobContainer::attempt).orElse(0), null,
                newest.map(JobContainer::id).orElse(""), "", null, null, null, "", "", "", false, 0)
                .finish(succeeded ? State.SUCCEEDED : State.FAILED, null, at, "",
                        JobMessages.finishedAsHubRecorded(succeeded), "");
    }

    /** A job whose container is on the host but whose record is not (the state directory was lost). */
    static JobRecord adopted(JobSpec spec, JobContainer c, Instant now) {
        Instant started = parse(c.state().startedAt()).orElse(now);
        return new JobRecord(spec, State.RUNNING, Math.max(1, c.attempt()), started.isAfter(now) ? now : started, c.id(),
                "", null, null, null, "", "", "", false, 0);
    }

    /**
     * A job the hub saw begin, of which this agent has no record and no container (its state
     * directory was lost or replaced): how far it got is unknown, so it fails and is never run again.
     */
    static JobRecord lost(JobSpec spec, Instant now) {
        return new JobRecord(spec, State.PENDING, 0, null, "", "", null, null, null, "", "", "", false, 0)
                .finish(State.FAILED, null, now, Reason.RecordLost.name(), JobMessages.RECORD_LOST, "");
    }

    /** A record that could not be read, and no container to tell how far the job got: failed, never run blindly. */
    static JobRecord unreadable(JobSpec spec, Instant now) {
        return new JobRecord(spec, State.PENDING, 0, null, "", "", null, null, null, "", "", "", false, 0)
                .finish(State.FAILED, null, now, Reason.JobRecordUnreadable.name(),
                        JobMessages.RECORD_UNREADABLE_NOT_RUN, "");
    }

    /** When the container's last run ended (Docker's FinishedAt), never later than now. */
    public static Instant finishedAt(JobContainer c, Instant now) {
        return parse(c.state().finishedAt()).filter(t -> !t.isAfter(now)).orElse(now);
    }

    static Optional<Instant> parse(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(rfc3339));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
            } catch (DateTimeParseException again) {
                return Optional.empty();
            }
        }
    }
}
