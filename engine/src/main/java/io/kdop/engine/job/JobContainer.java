package io.kdop.engine.job;

import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.RuntimeState;
import io.kdop.proto.v1.WorkloadRef;

/**
 * A container of a job as Docker reports it in the current pass.
 *
 * @param attempt the attempt that created it (its job-attempt label), 0 when the label is missing or bad
 */
public record JobContainer(String id, String name, WorkloadRef workload, int attempt, RuntimeState state) {

    /** Reads a managed container whose workload kind is DockerJob. */
    public static JobContainer of(ObservedContainer c) {
        return new JobContainer(c.id(), c.name(), c.workload(),
                attemptOf(c.labels().getOrDefault(ManagedContainers.JOB_ATTEMPT, "")), c.state());
    }

    /** True for a managed container that belongs to a job. */
    public static boolean isJob(ObservedContainer c) {
        return ManagedContainers.DOCKER_JOB.equals(c.labels().get(ManagedContainers.WORKLOAD_KIND));
    }

    static int attemptOf(String label) {
        try {
            return Math.max(0, Integer.parseInt(label.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public String uid() {
        return workload.getUid();
    }

    /** It ran and stopped: its exit code and FinishedAt are final. */
    public boolean ended() {
        return state.status().equals("exited") || state.status().equals("dead");
    }

    /** Created but never started. */
    public boolean created() {
        return state.status().equals("created");
    }

    /** It has started at least once (Docker reports a StartedAt). */
    public boolean everStarted() {
        return !state.startedAt().isEmpty();
    }

    /** A short id for logs and messages. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
