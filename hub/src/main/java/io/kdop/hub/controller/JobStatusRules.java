package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
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
 * a host that is missing or disconnected, an edit made after the start). A final phase is never
 * taken back.
 */
final class JobStatusRules {

    static final String ACCEPTED = "Accepted";
    static final String COMPLETE = "Complete";
    static final String FAILED = "Failed";
    private static final Set<String> JOB_PHASES = Set.of("Pending", "Running", "Succeeded", "Failed");

    private JobStatusRules() {}

    /** Everything the rule looks at. */
    record Facts(long generation, String hostKey, boolean hostExists, String hostPhase, Optional<SpecProblem> problem,
            long placedRevision, String specDigest, Optional<WorkloadStatus> reported, DockerJobStatus previous) {}

    static DockerJobStatus compute(Facts f, Instant now) {
        Optional<WorkloadStatus> report = f.reported().filter(WorkloadStatus::hasJob);
        if (report.isPresent()) {
            return fromReport(f, report.get(), now);
        }
        DockerJobStatus prev = f.previous();
        List<Condition> conditions = prev == null || prev.conditions() == null ? List.of() : prev.conditions();
        if (prev != null && prev.finished()) {
            // Final: what the agent reported stays, whatever happens to the host or this hub.
            return withConditions(prev, accepted(conditions, f, Optional.empty(), now));
        }
        if (!f.hostExists()) {
            String message = "DockerHost " + f.hostKey() + " does not exist; create it or fix spec.dockerHostRef";
            return pending(f, message, Conditions.with(conditions, ACCEPTED, false, "HostNotFound", message,
                    f.generation(), now));
        }
        if (f.problem().isPresent()) {
            return pending(f, f.problem().get().message(), accepted(conditions, f, Optional.empty(), now));
        }
        boolean started = prev != null && prev.startTime() != null;
        if (!"Connected".equals(f.hostPhase())) {
            String message = started
                    ? "DockerHost " + f.hostKey() + " is " + phaseOf(f.hostPhase()) + "; its agent runs the job on its "
                            + "own and reports the outcome when it is back"
                    : "waiting for DockerHost " + f.hostKey() + " (" + phaseOf(f.hostPhase()) + ") to connect";
            return copy(prev, started ? prev.phase() : "Pending", f, message, accepted(conditions, f, Optional.empty(), now));
        }
        if (started && prev.observedGeneration() != null && prev.observedGeneration() == f.generation()) {
            return prev; // this hub restarted and has no report yet: the last known progress stands
        }
        return pending(f, "sent to DockerHost " + f.hostKey() + " in revision " + f.placedRevision()
                + "; waiting for the agent's report", accepted(conditions, f, Optional.empty(), now));
    }

    private static DockerJobStatus fromReport(Facts f, WorkloadStatus r, Instant now) {
        DockerJobStatus prev = f.previous();
        JobProgress p = r.getJob();
        String phase = JOB_PHASES.contains(r.getPhase()) ? r.getPhase() : "Pending";
        if (prev != null && prev.finished() && !phase.equals(prev.phase())) {
            phase = prev.phase();
        }
        List<Condition> conditions = prev == null || prev.conditions() == null ? List.of() : prev.conditions();
        conditions = accepted(conditions, f, Optional.of(p), now);
        if ("Succeeded".equals(phase)) {
            conditions = Conditions.with(conditions, COMPLETE, true, "Succeeded", "the job exited with code 0 after "
                    + p.getAttempts() + " attempt(s)", f.generation(), now);
        } else if ("Failed".equals(phase)) {
            conditions = Conditions.with(conditions, FAILED, true, r.getReason().isEmpty() ? "Failed" : r.getReason(),
                    r.getMessage(), f.generation(), now);
        }
        return new DockerJobStatus(
                phase,
                f.hostKey(),
                r.getContainerId().isEmpty() ? prev == null ? null : prev.containerID() : r.getContainerId(),
                emptyToNull(p.getStartTime()),
                emptyToNull(p.getCompletionTime()),
                p.hasExitCode() ? Integer.valueOf(p.getExitCode()) : null,
                p.getAttempts(),
                emptyToNull(r.getReason()),
                emptyToNull(r.getMessage()),
                p.getContainerRemoved() ? Boolean.TRUE : null,
                f.generation(),
                conditions);
    }

    /**
     * Accepted says whether what the user wrote is what runs: false for a spec that cannot be
     * resolved, and for an edit made after the job started (the job goes on as it started).
     */
    private static List<Condition> accepted(List<Condition> conditions, Facts f, Optional<JobProgress> progress,
            Instant now) {
        boolean started = progress.filter(p -> p.getAttempts() > 0 || !p.getStartTime().isEmpty()).isPresent();
        if (started && !progress.get().getSpecDigest().isEmpty() && !progress.get().getSpecDigest().equals(f.specDigest())) {
            return Conditions.with(conditions, ACCEPTED, false, "SpecImmutable", "the spec was changed after the job "
                    + "started; the change is ignored and the job goes on as it started. To run the new spec, delete "
                    + "the DockerJob and create it again", f.generation(), now);
        }
        if (f.problem().isPresent()) {
            SpecProblem p = f.problem().get();
            String more = started ? "; the job goes on as it started" : "";
            return Conditions.with(conditions, ACCEPTED, false, p.reason(), p.message() + more, f.generation(), now);
        }
        return Conditions.with(conditions, ACCEPTED, true, "Accepted", "the spec is valid and sent to DockerHost "
                + f.hostKey(), f.generation(), now);
    }

    private static DockerJobStatus pending(Facts f, String message, List<Condition> conditions) {
        return copy(f.previous(), "Pending", f, message, conditions);
    }

    private static DockerJobStatus copy(DockerJobStatus prev, String phase, Facts f, String message,
            List<Condition> conditions) {
        return new DockerJobStatus(phase, f.hostKey(),
                prev == null ? null : prev.containerID(),
                prev == null ? null : prev.startTime(),
                prev == null ? null : prev.completionTime(),
                prev == null ? null : prev.exitCode(),
                prev == null ? null : prev.attempts(),
                null,
                message,
                prev == null ? null : prev.containerRemoved(),
                f.generation(),
                conditions);
    }

    private static DockerJobStatus withConditions(DockerJobStatus s, List<Condition> conditions) {
        return new DockerJobStatus(s.phase(), s.host(), s.containerID(), s.startTime(), s.completionTime(), s.exitCode(),
                s.attempts(), s.reason(), s.message(), s.containerRemoved(), s.observedGeneration(), conditions);
    }

    private static String phaseOf(String hostPhase) {
        return hostPhase == null ? "Pending" : hostPhase;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
