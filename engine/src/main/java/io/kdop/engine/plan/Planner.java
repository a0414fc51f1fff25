package io.kdop.engine.plan;

import io.kdop.engine.plan.WorkloadPlan.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, from the desired containers and what Docker reports now, what to do about each
 * workload. Pure: no I/O, no clock, no memory between passes.
 *
 * <p>Plans come out in the order they must run: removals of workloads no longer desired first,
 * then recreations, then the rest in desired order; so a name freed by one workload is free
 * before another creates a container with it.
 */
public final class Planner {

    private Planner() {}

    public static List<WorkloadPlan> plan(List<DesiredContainer> desired, ObservedState observed) {
        return plan(desired, observed, Set.of());
    }

    /**
     * @param retained workloads the hub cannot resolve right now: their containers are neither
     *     removed nor changed, only left as they are
     */
    public static List<WorkloadPlan> plan(List<DesiredContainer> desired, ObservedState observed, Set<String> retained) {
        Map<String, List<ObservedContainer>> byUid = new LinkedHashMap<>();
        observed.managed().stream()
                .sorted(Comparator.comparing(ObservedContainer::name).thenComparing(ObservedContainer::id))
                .forEach(c -> byUid.computeIfAbsent(c.workloadUid(), k -> new ArrayList<>()).add(c));
        Map<String, DesiredContainer> desiredByUid = new HashMap<>();
        desired.forEach(d -> desiredByUid.putIfAbsent(d.uid(), d));

        List<WorkloadPlan> plans = new ArrayList<>();
        byUid.forEach((uid, containers) -> {
            if (!desiredByUid.containsKey(uid) && !retained.contains(uid)) {
                plans.add(new WorkloadPlan(containers.getFirst().workload(), null, containers.getFirst(), Action.REMOVE,
                        containers.stream().<Step>map(Step.Remove::new).toList(), "no longer desired"));
            }
        });

        Set<String> planned = new HashSet<>();
        Map<String, DesiredContainer> nameOwners = new HashMap<>();
        for (DesiredContainer d : desired) {
            List<ObservedContainer> mine = byUid.getOrDefault(d.uid(), List.of());
            ObservedContainer current = mine.isEmpty() ? null : mine.getFirst();
            if (!planned.add(d.uid())) {
                plans.add(new WorkloadPlan(d.workload(), d, null, Action.INVALID, List.of(),
                        "the desired state lists workload UID " + d.uid() + " twice"));
                continue;
            }
            Optional<String> problem = SpecCheck.problem(d.spec());
            if (problem.isPresent()) {
                plans.add(new WorkloadPlan(d.workload(), d, current, Action.INVALID, List.of(), problem.get()));
                continue;
            }
            if (d.mountProblem().isPresent()) {
                plans.add(new WorkloadPlan(d.workload(), d, current, Action.HOST_PATH_REFUSED, List.of(),
                        d.mountProblem().get()));
                continue;
            }
            DesiredContainer owner = nameOwners.putIfAbsent(d.name(), d);
            if (owner != null) {
                plans.add(new WorkloadPlan(d.workload(), d, current, Action.CONFLICT, List.of(),
                        "workload " + owner.describe() + " of this host wants the container name " + d.name() + " too"));
                continue;
            }
            plans.add(planDesired(d, mine, observed, desiredByUid));
        }
        plans.sort(Comparator.comparingInt(Planner::rank)); // stable: desired order within a rank
        return plans;
    }

    private static int rank(WorkloadPlan plan) {
        return switch (plan.action()) {
            case REMOVE -> 0;
            case RECREATE -> 1;
            default -> 2;
        };
    }

    private static WorkloadPlan planDesired(DesiredContainer d, List<ObservedContainer> mine, ObservedState observed,
            Map<String, DesiredContainer> desiredByUid) {
        ObservedContainer primary = mine.stream().filter(c -> c.name().equals(d.name())).findFirst()
                .orElse(mine.isEmpty() ? null : mine.getFirst());
        // a workload has one container; any other carrying its UID (a crash mid-update, a copy) goes
        List<Step> steps = new ArrayList<>();
        mine.stream().filter(c -> c != primary).forEach(c -> steps.add(new Step.Remove(c)));
        Optional<String> heldBy = heldByOther(d, observed, desiredByUid);

        if (primary == null) {
            if (heldBy.isPresent()) {
                return new WorkloadPlan(d.workload(), d, null, Action.CONFLICT, List.of(), heldBy.get());
            }
            return withImage(d, null, Action.CREATE, steps, "no container", observed);
        }
        List<String> drift = new ArrayList<>(Drift.between(d, primary, observed.defaultsOf(primary)));
        if (primary.state().status().equals("dead")) {
            drift.add("state dead");
        }
        if (!drift.isEmpty()) {
            if (heldBy.isPresent() && !primary.name().equals(d.name())) {
                // keep ours under its old name rather than remove it and then fail to create
                return new WorkloadPlan(d.workload(), d, primary, Action.CONFLICT, List.of(), heldBy.get());
            }
            steps.add(new Step.Remove(primary));
            return withImage(d, primary, Action.RECREATE, steps, "differs in " + String.join(", ", drift), observed);
        }
        String status = primary.state().status();
        if (status.equals("created") || status.equals("exited") && d.keepsRunning()) {
            steps.add(new Step.Start(primary));
            return new WorkloadPlan(d.workload(), d, primary, Action.START, steps,
                    status.equals("created") ? "created but not started" : "stopped, restart policy " + d.config().restartPolicy());
        }
        return new WorkloadPlan(d.workload(), d, primary, Action.NONE, steps, "as desired");
    }

    /** Adds the pull (or refuses under pull policy Never) and the create to a plan that creates a container. */
    private static WorkloadPlan withImage(DesiredContainer d, ObservedContainer current, Action action, List<Step> steps,
            String detail, ObservedState observed) {
        ImageNeed need = ImageNeed.of(d.spec().getPullPolicy(), observed.presentImages().contains(d.config().image()));
        if (need == ImageNeed.MISSING) {
            return new WorkloadPlan(d.workload(), d, current, Action.IMAGE_MISSING, List.of(),
                    ImageNeed.missing(d.config().image()));
        }
        List<Step> all = new ArrayList<>();
        if (need == ImageNeed.PULL) {
            all.add(new Step.Pull(d.config().image())); // before any removal: a bad image leaves the old container up
        }
        all.addAll(steps);
        all.add(new Step.CreateAndStart(d));
        return new WorkloadPlan(d.workload(), d, current, action, all, detail);
    }

    /**
     * Who holds the desired name when it is not this workload: a container that is not this
     * agent's (never touched), or one of this agent's containers of a workload that keeps that
     * name. A container of a workload that is removed or renamed in this pass frees it first.
     */
    private static Optional<String> heldByOther(DesiredContainer d, ObservedState observed,
            Map<String, DesiredContainer> desiredByUid) {
        NameHolder foreign = observed.nameHolders().get(d.name());
        if (foreign != null) {
            return Optional.of(foreign.describe());
        }
        return observed.managed().stream()
                .filter(c -> c.name().equals(d.name()) && !c.workloadUid().equals(d.uid()))
                .filter(c -> {
                    DesiredContainer other = desiredByUid.get(c.workloadUid());
                    return other != null && other.name().equals(d.name());
                })
                .findFirst()
                .map(c -> "the container named " + d.name() + " belongs to workload "
                        + desiredByUid.get(c.workloadUid()).describe());
    }
}
