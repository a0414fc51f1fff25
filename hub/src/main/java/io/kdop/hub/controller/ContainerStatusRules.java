package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.policy.HostPolicy;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rule for a DockerContainer's status, without I/O. The agent's report says what runs; the
 * hub adds what the agent cannot know: a spec that could not be sent, a host that is not there or
 * not connected, a change the agent has not applied yet. Ready means: running the current spec,
 * and healthy if it has a health check.
 */
final class ContainerStatusRules {

    private ContainerStatusRules() {}

    /** Everything the rule looks at. */
    record Facts(long generation, String hostKey, boolean hostExists, String hostPhase, Optional<SpecProblem> problem,
            long placedRevision, Optional<WorkloadStatus> reported, DockerContainerStatus previous, String hostNotFound) {

        /** Facts without the lookup's own account of a missing host. */
        Facts(long generation, String hostKey, boolean hostExists, String hostPhase, Optional<SpecProblem> problem,
                long placedRevision, Optional<WorkloadStatus> reported, DockerContainerStatus previous) {
            this(generation, hostKey, hostExists, hostPhase, problem, placedRevision, reported, previous, null);
        }
    }

    static DockerContainerStatus compute(Facts f, Instant now) {
        List<Condition> conditions = f.previous() == null || f.previous().conditions() == null ? List.of()
                : f.previous().conditions();
        if (!f.hostExists()) {
            String message = f.hostNotFound() != null ? f.hostNotFound()
                    : "DockerHost " + f.hostKey() + " does not exist; create it or fix spec.dockerHostRef";
            return status(f, "Pending", Optional.empty(), message,
                    ready(conditions, false, "HostNotFound", message, f, now));
        }
        if (f.problem().isPresent()) {
            SpecProblem p = f.problem().get();
            // a workload its host's policy refuses is taken off the host: nothing of it keeps running
            String running = f.reported().isPresent() && !HostPolicy.DENIED.equals(p.reason())
                    ? "; the container keeps running its last valid spec" : "";
            return status(f, f.reported().map(WorkloadStatus::getPhase).orElse("Pending"), f.reported(),
                    p.message() + running, ready(conditions, false, p.reason(), p.message() + running, f, now));
        }
        if (!"Connected".equals(f.hostPhase())) {
            String message = "DockerHost " + f.hostKey() + " is " + (f.hostPhase() == null ? "Pending" : f.hostPhase())
                    + "; the agent keeps running the container as last declared";
            if (f.reported().isEmpty() && !"Disconnected".equals(f.hostPhase())) {
                return status(f, "Pending", Optional.empty(), message,
                        ready(conditions, false, "HostNotConnected", message, f, now));
            }
            return status(f, "Unknown", f.reported(), message, ready(conditions, false, "HostDisconnected", message, f, now));
        }
        if (f.reported().isEmpty() && f.previous() != null && f.previous().containerID() != null
                && f.previous().observedGeneration() != null && f.previous().observedGeneration() == f.generation()) {
            // Nothing changed since it last ran, but this hub has no report yet (it restarted):
            // what was last known stays, rather than flashing Pending on every workload.
            return f.previous();
        }
        if (f.reported().isEmpty()) {
            String message = "sent to DockerHost " + f.hostKey() + " in revision " + f.placedRevision()
                    + "; waiting for the agent's report";
            return status(f, "Pending", Optional.empty(), message, ready(conditions, false, "WaitingForAgent", message, f, now));
        }
        WorkloadStatus r = f.reported().get();
        if (r.getObservedRevision() < f.placedRevision()) {
            String message = "the agent is applying revision " + f.placedRevision() + " (it reported revision "
                    + r.getObservedRevision() + ")";
            return status(f, r.getPhase(), f.reported(), message, ready(conditions, false, "Updating", message, f, now));
        }
        boolean running = "Running".equals(r.getPhase());
        boolean healthy = r.getHealth().isEmpty() || "healthy".equals(r.getHealth());
        String reason = running ? (healthy ? "Running" : "starting".equals(r.getHealth()) ? "HealthStarting" : "Unhealthy")
                : r.getReason().isEmpty() ? r.getPhase() : r.getReason();
        String message = r.getMessage().isEmpty() ? (running ? "running" + (r.getHealth().isEmpty() ? ""
                : ", " + r.getHealth()) : r.getPhase()) : r.getMessage();
        return status(f, r.getPhase(), f.reported(), r.getMessage().isEmpty() ? null : r.getMessage(),
                ready(conditions, running && healthy, reason, message, f, now));
    }

    private static DockerContainerStatus status(Facts f, String phase, Optional<WorkloadStatus> r, String message,
            List<Condition> conditions) {
        DockerContainerStatus prev = f.previous();
        return new DockerContainerStatus(
                phase,
                f.hostKey(),
                r.map(WorkloadStatus::getContainerId).filter(s -> !s.isEmpty())
                        .orElse(prev == null ? null : prev.containerID()),
                r.map(WorkloadStatus::getHealth).filter(s -> !s.isEmpty()).orElse(r.isPresent() ? null
                        : prev == null ? null : prev.health()),
                r.map(WorkloadStatus::getIpv4).filter(s -> !s.isEmpty()).orElse(r.isPresent() ? null
                        : prev == null ? null : prev.ipv4()),
                r.map(WorkloadStatus::getRestartCount).orElse(prev == null ? null : prev.restartCount()),
                r.map(WorkloadStatus::getStartedAt).filter(s -> !s.isEmpty()).orElse(prev == null ? null : prev.startedAt()),
                r.filter(w -> "Exited".equals(w.getPhase()) || "Failed".equals(w.getPhase()))
                        .map(WorkloadStatus::getExitCode).orElse(null),
                message,
                f.generation(),
                null,
                conditions);
    }

    private static List<Condition> ready(List<Condition> conditions, boolean ready, String reason, String message,
            Facts f, Instant now) {
        return Conditions.with(conditions, Conditions.READY, ready, reason, message, f.generation(), now);
    }
}
