package io.kdop.engine.plan;

import io.kdop.proto.v1.WorkloadRef;
import java.util.List;

/**
 * What one pass does about one workload.
 *
 * @param desired null for a workload that is no longer desired
 * @param current the container serving the workload now, null if none
 * @param steps in order; empty for {@link Action#NONE}, {@link Action#CONFLICT},
 *     {@link Action#IMAGE_MISSING}, {@link Action#INVALID}, {@link Action#HOST_PATH_REFUSED} and {@link Action#DENIED}
 * @param detail why, for logs and status messages (never secret values)
 */
public record WorkloadPlan(WorkloadRef workload, DesiredContainer desired, ObservedContainer current, Action action,
        List<Step> steps, String detail) {

    /** The decision for the workload. */
    public enum Action {
        /** The container is as desired (or exited under a policy that leaves it so). */
        NONE,
        /** No container yet (or it was removed): create and start one. */
        CREATE,
        /** A stopped container that must run again. */
        START,
        /** The container differs from the desired one: remove it and create it anew. */
        RECREATE,
        /** The workload is not desired any more: remove its containers. */
        REMOVE,
        /** The desired name is held by a container that is not this agent's: it is left alone. */
        CONFLICT,
        /** The image is not on the host and the pull policy forbids pulling it. */
        IMAGE_MISSING,
        /** The spec cannot be run as sent (see {@link SpecCheck}). */
        INVALID,
        /** A host mount would expose what the agent guards, or cannot be resolved (see {@link MountGuard}). */
        HOST_PATH_REFUSED,
        /** The host's policy refuses the workload (see {@link PolicyGate}): nothing is done about it. */
        DENIED
    }

    public WorkloadPlan {
        steps = List.copyOf(steps);
    }

    /** The workload's UID. */
    public String uid() {
        return workload.getUid();
    }
}
