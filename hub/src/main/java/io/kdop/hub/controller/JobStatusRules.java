package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.api.job.DockerJobStatus;
import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.JobProgress;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rule for a DockerJob's status, without I/O. The agent runs the job and reports its progress
 * from its own durable record; the hub adds what the agent cannot know (a spec it could not send,
 * a host that is missing or disconnected, an edit made after the start). What the agent reported
 * is never taken back: a started job keeps its phase and progress while nothing new is heard, and
 * a final status stays final.
 */
final class JobStatusRules {

    static final String ACCEPTED = "Accepted";
    static final String COMPLETE = "Complete";
    static final String FAILED = "Failed";
    private static final Set<String> JOB_PHASES = Set.of("Pending", "Running", "Succeeded", "Failed");

    private JobStatusRules() {}

    /**
     * Everything the rule looks at.
     *
     * @param problem why the current spec is not what runs (invalid, or moved after the start)
     * @param specDigest the digest of the spec as it is now
     * @param hostNotFound the host lookup's account of a missing host and what to do (null: a generic one)
     */
    record Facts(long generation, String hostKey, boolean hostExists, String hostPhase, Optional<SpecProblem> problem,
            String specDigest, Optional<WorkloadStatus> reported, DockerJobStatus previous, String hostNotFound) {

        /** Facts without the lookup's own account of a missing host. */
        Facts(long generation, String hostKey, boolean hostExists, String hostPhase, Optional<SpecProblem> problem,
                String specDigest, Optional<WorkloadStatus> reported, DockerJobStatus previous) {
            this(generation, hostKey, hostExists, hostPhase, problem, specDigest, reported, previous, null);
        }
    }

    static DockerJobStatus compute(Facts f, Instant now) {
        DockerJobStatus prev = f.previous();
        Optional<WorkloadStatus> report = f.reported().filter(WorkloadStatus::hasJob);
        if (prev != null && prev.finished()) {
            return finalStatus(f, prev, report, now);
        }
        if (report.isPresent()) {
            return fromReport(f, report.get(), now);
        }
        boolean started = prev != null && prev.started();
        if (!f.hostExists() && started) {
            // deleting a DockerHost revokes its agent: nothing can report how this job ends
            String message = "DockerHost " + f.hostKey() + ", where the job began, was deleted; how the job ended is "
                    + "unknown, and it is not run again. To run it elsewhere, delete the DockerJob and create it again";
            DockerJobStatus failed = copy(f, "Failed", message, Conditions.with(conditions(prev), FAILED, true,
                    "HostDeleted", message, f.generation(), now));
            return new DockerJobStatus(failed.phase(), failed.host(), failed.containerID(), failed.startTime(),
                    Timestamps.format(now), failed.exitCode(), failed.attempts(), "HostDeleted", message,
                    failed.containerRemoved(), failed.specDigest(), failed.observedGeneration(), failed.conditions());
        }
        if (!f.hostExists()) {
            String message = f.hostNotFound() != null ? f.hostNotFound()
                    : "DockerHost " + f.hostKey() + " does not exist; create it or fix spec.dockerHostRef";
            return copy(f, "Pending", message, Conditions.with(conditions(prev), ACCEPTED,
                    false, "HostNotFound", message, f.generation(), now));
        }
        if (f.problem().isPresent() && !started) {
            return copy(f, "Pending", f.problem().get().message(), accepted(f, Optional.empty(), now));
        }
        if (!"Connected".equals(f.hostPhase())) {
            String message = started
                    ? "DockerHost " + f.hostKey() + " is " + phaseOf(f.hostPhase()) + "; its agent runs the job on its "
                            + "own and reports the outcome when it is back"
                    : "waiting for DockerHost " + f.hostKey() + " (" + phaseOf(f.hostPhase()) + ") to connect";
            return copy(f, started ? prev.phase() : "Pending", message, accepted(f, Optional.empty(), now));
        }
        if (started) {
            // this hub restarted and has no report yet: the last known progress stands
            return copy(f, prev.phase(), prev.message(), accepted(f, Optional.empty(), now));
        }
        return copy(f, "Pending", "sent to DockerHost " + f.hostKey() + "; waiting for the agent's report",
                accepted(f, Optional.empty(), now));
    }

    private static DockerJobStatus fromReport(Facts f, WorkloadStatus r, Instant now) {
        DockerJobStatus prev = f.previous();
        JobProgress p = r.getJob();
        String phase = JOB_PHASES.contains(r.getPhase()) ? r.getPhase() : "Pending";
        List<Condition> conditions = accepted(f, Optional.of(p), now);
        if ("Succeeded".equals(phase)) {
            conditions = Conditions.with(conditions, COMPLETE, true, "Succeeded", "the job exited with code 0 after "
                    + p.getAttempts() + " attempt(s)", f.generation(), now);
        } else if ("Failed".equals(phase)) {
            conditions = Conditions.with(conditions, FAILED, true, r.getReason().isEmpty() ? "Failed" : r.getReason(),
                    r.getMessage(), f.generation(), now);
        }
        boolean started = p.getAttempts() > 0 || !p.getStartTime().isEmpty();
        // An agent that lost its record knows less than the status: what was known stays.
        Optional<DockerJobStatus> known = Optional.ofNullable(prev).filter(DockerJobStatus::started);
        return new DockerJobStatus(
                phase,
                f.hostKey(),
                r.getContainerId().isEmpty() ? prev == null ? null : prev.containerID() : r.getContainerId(),
                or(emptyToNull(p.getStartTime()), known.map(DockerJobStatus::startTime)),
                emptyToNull(p.getCompletionTime()),
                p.hasExitCode() ? Integer.valueOf(p.getExitCode()) : known.map(DockerJobStatus::exitCode).orElse(null),
                Math.max(p.getAttempts(), known.map(DockerJobStatus::attempts).orElse(0)),
                emptyToNull(r.getReason()),
                emptyToNull(r.getMessage()),
                p.getContainerRemoved() ? Boolean.TRUE : null,
                or(started ? emptyToNull(p.getSpecDigest()) : null, known.map(DockerJobStatus::specDigest)),
                f.generation(),
                conditions);
    }

    private static String or(String value, Optional<String> fallback) {
        return value != null ? value : fallback.orElse(null);
    }

    /**
     * A final status changes no more, whatever is reported later (an agent that lost its record
     * knows less than the status does). Only the container's removal and the Accepted condition
     * still move.
     */
    private static DockerJobStatus finalStatus(Facts f, DockerJobStatus prev, Optional<WorkloadStatus> report,
            Instant now) {
        boolean removed = Boolean.TRUE.equals(prev.containerRemoved())
                || report.map(r -> r.getJob().getContainerRemoved()).orElse(false);
        return new DockerJobStatus(prev.phase(), prev.host(), prev.containerID(), prev.startTime(), prev.completionTime(),
                prev.exitCode(), prev.attempts(), prev.reason(), prev.message(), removed ? Boolean.TRUE : null,
                prev.specDigest(), prev.observedGeneration(), accepted(f, Optional.empty(), now));
    }

    /**
     * Accepted says whether what the user wrote is what runs: false for a spec that cannot be
     * resolved, and for an edit made after the job started (the job goes on as it started).
     */
    private static List<Condition> accepted(Facts f, Optional<JobProgress> progress, Instant now) {
        List<Condition> conditions = conditions(f.previous());
        Optional<String> startedDigest = progress
                .filter(p -> p.getAttempts() > 0 || !p.getStartTime().isEmpty())
                .map(JobProgress::getSpecDigest)
                .or(() -> Optional.ofNullable(f.previous()).filter(DockerJobStatus::started)
                        .map(DockerJobStatus::specDigest))
                .filter(d -> !d.isEmpty());
        if (f.problem().isPresent()) {
            SpecProblem p = f.problem().get();
            return Conditions.with(conditions, ACCEPTED, false, p.reason(), p.message(), f.generation(), now);
        }
        if (startedDigest.isPresent() && !startedDigest.get().equals(f.specDigest())) {
            return Conditions.with(conditions, ACCEPTED, false, "SpecImmutable", "the spec was changed after the job "
                    + "started; the change is ignored and the job goes on as it started. To run the new spec, delete "
                    + "the DockerJob and create it again", f.generation(), now);
        }
        return Conditions.with(conditions, ACCEPTED, true, "Accepted", "the spec is valid and is what runs on DockerHost "
                + f.hostKey(), f.generation(), now);
    }

    private static DockerJobStatus copy(Facts f, String phase, String message, List<Condition> conditions) {
        DockerJobStatus prev = f.previous();
        return new DockerJobStatus(phase, f.hostKey(),
                prev == null ? null : prev.containerID(),
                prev == null ? null : prev.startTime(),
                prev == null ? null : prev.completionTime(),
                prev == null ? null : prev.exitCode(),
                prev == null ? null : prev.attempts(),
                prev == null || !prev.started() ? null : prev.reason(),
                message,
                prev == null ? null : prev.containerRemoved(),
                prev == null ? null : prev.specDigest(),
                f.generation(),
                conditions);
    }

    private static List<Condition> conditions(DockerJobStatus prev) {
        return prev == null || prev.conditions() == null ? List.of() : prev.conditions();
    }

    private static String phaseOf(String hostPhase) {
        return hostPhase == null ? "Pending" : hostPhase;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
