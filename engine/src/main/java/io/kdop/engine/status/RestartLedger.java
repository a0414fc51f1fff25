package io.kdop.engine.status;

import io.kdop.engine.plan.WorkloadPlan;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Counts, per workload, the restarts the agent itself made since it started: a stopped container
 * started again, a container re-created because it was removed, died or was changed out of band.
 * A re-creation for a new spec is a rollout, not a restart, and the first creation is neither.
 * Docker's own RestartCount restarts at 0 with every new container; the status adds both.
 */
public final class RestartLedger {

    private final Map<String, Integer> restarts = new HashMap<>();
    private final Set<String> seen = new HashSet<>();

    /** The workload had a container in this pass (so a later creation is a repair). */
    public void sawContainer(String uid) {
        seen.add(uid);
    }

    /** Records what a plan that ran did. */
    public void record(WorkloadPlan plan) {
        boolean restart = switch (plan.action()) {
            case START -> !plan.current().state().status().equals("created");
            case CREATE -> seen.contains(plan.uid());
            // the same spec hash: not a rollout but a repair (out-of-band change, dead container)
            case RECREATE -> plan.current().specHash().equals(plan.desired().specHash());
            default -> false;
        };
        if (restart) {
            restarts.merge(plan.uid(), 1, Integer::sum);
        }
        if (plan.action() == WorkloadPlan.Action.CREATE || plan.action() == WorkloadPlan.Action.RECREATE) {
            seen.add(plan.uid());
        }
    }

    public int count(String uid) {
        return restarts.getOrDefault(uid, 0);
    }

    /** Forgets the workloads that are not desired any more. */
    public void retainOnly(Set<String> uids) {
        restarts.keySet().retainAll(uids);
        seen.retainAll(uids);
    }
}
