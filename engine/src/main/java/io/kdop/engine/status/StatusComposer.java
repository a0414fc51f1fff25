package io.kdop.engine.status;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.Phase;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.RuntimeState;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.Optional;

/** Turns what a pass planned, did and then observed into the status of a workload. Pure. */
public final class StatusComposer {

    private StatusComposer() {}

    /**
     * The status of a desired workload after a pass.
     *
     * @param container the workload's container as observed after the pass, if any
     * @param failure the workload's current failure, if any
     * @param agentRestarts the agent's own restarts of the workload (see {@link RestartLedger})
     */
    public static WorkloadStatus desired(WorkloadPlan plan, Optional<ObservedContainer> container,
            Optional<FailureTracker.Failure> failure, int agentRestarts, long revision) {
        WorkloadStatus.Builder status = base(plan.workload(), revision);
        container.ifPresent(c -> fillContainer(status, c, agentRestarts));
        switch (plan.action()) {
            case CONFLICT -> {
                return failed(status, Reason.NameConflict, plan.detail());
            }
            case INVALID -> {
                return failed(status, Reason.InvalidSpec, plan.detail());
            }
            case HOST_PATH_REFUSED -> {
                return failed(status, Reason.HostPathRefused, plan.detail());
            }
            case DENIED -> {
                return failed(status, Reason.PolicyDenied, plan.detail());
            }
            case IMAGE_MISSING -> {
                return failed(status, Reason.ImageNotPresent, plan.detail());
            }
            default -> {
                // the phase follows below
            }
        }
        if (failure.isPresent()) {
            FailureTracker.Failure f = failure.get();
            return failed(status, f.reason(), f.message() + " (attempt " + f.attempts() + "; next at " + f.retryAt() + ")");
        }
        if (container.isEmpty()) {
            return status.setPhase(Phase.Pending.name()).setMessage("waiting for the container to be created").build();
        }
        ObservedContainer c = container.get();
        RuntimeState s = c.state();
        return switch (s.status()) {
            case "running" -> status.setPhase(Phase.Running.name()).build();
            case "paused" -> status.setPhase(Phase.Running.name()).setMessage("paused").build();
            case "restarting" -> status.setPhase(Phase.Restarting.name())
                    .setMessage("Docker restarts it under its restart policy" + exitText(s)).build();
            case "exited" -> status.setPhase(Phase.Exited.name()).setMessage(exitText(s).substring(2)).build();
            case "created" -> status.setPhase(Phase.Creating.name()).setMessage("created, not started yet").build();
            case "removing" -> status.setPhase(Phase.Pending.name()).setMessage("Docker is removing the container").build();
            case "dead" -> status.setPhase(Phase.Pending.name()).setMessage("the container is dead; it is re-created").build();
            default -> status.setPhase(Phase.Pending.name()).setMessage("Docker reports the state " + s.status()).build();
        };
    }

    /** A workload in progress: Pulling or Creating, before the pass ends. */
    public static WorkloadStatus progress(WorkloadStatus previous, WorkloadRef workload, Phase phase, String message,
            long revision) {
        WorkloadStatus.Builder status = previous != null && previous.getWorkload().getUid().equals(workload.getUid())
                ? previous.toBuilder().clearReason() : base(workload, revision);
        return status.setWorkload(workload).setObservedRevision(revision).setPhase(phase.name()).setMessage(message)
                .build();
    }

    /** A container of a workload that is no longer desired and is still there (its removal failed or is under way). */
    public static WorkloadStatus leftover(ObservedContainer c, Optional<FailureTracker.Failure> failure, long revision) {
        WorkloadStatus.Builder status = base(c.workload(), revision).setPhase(Phase.Removing.name());
        fillContainer(status, c, 0);
        if (failure.isPresent()) {
            FailureTracker.Failure f = failure.get();
            return status.setReason(f.reason().name())
                    .setMessage("no longer desired; " + f.message() + " (attempt " + f.attempts() + ")").build();
        }
        return status.setMessage("no longer desired; being removed").build();
    }

    private static WorkloadStatus.Builder base(WorkloadRef workload, long revision) {
        return WorkloadStatus.newBuilder().setWorkload(workload).setObservedRevision(revision);
    }

    private static void fillContainer(WorkloadStatus.Builder status, ObservedContainer c, int agentRestarts) {
        RuntimeState s = c.state();
        status.setContainerId(c.id())
                .setHealth(s.health())
                .setIpv4(s.ipv4())
                .setRestartCount(s.restartCount() + agentRestarts)
                .setStartedAt(s.startedAt());
        if (s.status().equals("exited") || s.status().equals("restarting") || s.status().equals("dead")) {
            status.setExitCode(s.exitCode());
        }
    }

    private static WorkloadStatus failed(WorkloadStatus.Builder status, Reason reason, String message) {
        return status.setPhase(Phase.Failed.name()).setReason(reason.name()).setMessage(message).build();
    }

    private static String exitText(RuntimeState s) {
        if (s.oomKilled()) {
            return "; killed: out of memory (exit code " + s.exitCode() + ")";
        }
        return "; exited with code " + s.exitCode() + (s.error().isEmpty() ? "" : ": " + s.error());
    }
}
