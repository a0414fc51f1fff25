package io.kdop.engine.job;

import java.time.Instant;

/**
 * The words of the job rules: what a job's status and record say, and why a step was taken (for
 * the log). Kept apart from the decisions ({@link JobRules}) and the records they lead to
 * ({@link JobOutcomes}), so the rules read as rules and the texts can change without touching them.
 */
final class JobMessages {

    /** Why a record was saved without a Docker step (the log line's second half). */
    static final String SPEC_CHANGED = "its spec changed before the first attempt";
    static final String HUB_OUTCOME = "the hub recorded its outcome; it is never started";
    static final String HUB_SAW_BEGIN = "the hub saw it begin and this agent has no record of it";
    static final String RECORD_UNREADABLE = "its record could not be read and no container of it is left";
    static final String BEGUN = "begun";
    static final String TTL_PASSED = "ttlSecondsAfterFinished passed";
    static final String TTL_PASSED_CONTAINER_GONE = "ttlSecondsAfterFinished passed; its container is gone";
    static final String LEFTOVER = "left over from an earlier attempt";

    private static final String NO_OUTPUT = "(no output)";

    private JobMessages() {}

    static String adopting(JobContainer c) {
        return "adopting its container " + c.shortId() + " (attempt " + Math.max(1, c.attempt())
                + ") instead of starting another";
    }

    static String containerVanished(JobRecord r) {
        return "the container of attempt " + of(r) + " disappeared before it exited";
    }

    static String succeeded(JobRecord r) {
        return "attempt " + of(r) + " succeeded (exit code 0)";
    }

    static String exited(JobRecord r, int code, boolean oomKilled) {
        return oomKilled
                ? "attempt " + of(r) + " was killed: out of memory (exit code " + code + ")"
                : "attempt " + of(r) + " exited with code " + code;
    }

    static String interrupted(JobRecord r, int code, Instant next) {
        return "attempt " + r.attempts() + " was stopped by the Docker daemon stopping (exit code " + code
                + "); it does not count against backoffLimit; attempt " + (r.attempts() + 1) + " of "
                + (r.maxAttempts() + 1) + " at " + next;
    }

    static String couldNotStart(JobRecord r, int code, String dockerError) {
        return "attempt " + of(r) + " could not be started (exit code " + code + "): " + dockerError;
    }

    static String limitReached(String what, JobRecord r, String tail) {
        return what + "; backoffLimit " + Math.max(0, r.spec().getBackoffLimit()) + " reached" + lastOutput(tail);
    }

    static String nextAttempt(String what, JobRecord r, Instant next) {
        return what + "; attempt " + (r.attempts() + 1) + " of " + r.maxAttempts() + " at " + next;
    }

    /** When the deadline passed, as the job stood then. */
    static String deadlineExceeded(JobRecord r, boolean killed, String tail) {
        String when = switch (r.state()) {
            case PENDING -> "before the first attempt started";
            case BACKOFF -> "while waiting to retry after attempt " + of(r) + " failed";
            case STARTING -> !killed ? "before attempt " + of(r) + " started" : "during attempt " + of(r);
            default -> "during attempt " + of(r);
        };
        if (killed) {
            when += "; the attempt was killed";
        }
        return "activeDeadlineSeconds " + r.spec().getActiveDeadlineSeconds() + " exceeded " + when
                + lastOutput(tail);
    }

    static String finishedAsHubRecorded(boolean succeeded) {
        return "finished as the hub recorded (" + (succeeded ? "succeeded" : "failed") + "); this agent had "
                + "no record of it any more, so it is not run again";
    }

    static final String RECORD_LOST = "this job began on this host, but the agent has no record of it any more (its "
            + "state directory was lost or replaced) and no container of it is left; it is not run again. Delete and "
            + "re-create the DockerJob to run it";

    static final String RECORD_UNREADABLE_NOT_RUN = "the agent's record of this job could not be read and no "
            + "container of it is left, so whether it ran is unknown; it is not run again. Delete and re-create the "
            + "DockerJob to run it";

    private static String of(JobRecord r) {
        return r.attempts() + " of " + r.maxAttempts();
    }

    private static String lastOutput(String tail) {
        return ". Last output:\n" + (tail == null || tail.isEmpty() ? NO_OUTPUT : tail);
    }
}
