package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A DockerDeployment's status from its replicas as observed, without I/O. */
final class DeploymentStatusRules {

    private static final Duration SOONEST = Duration.ofSeconds(1);
    private static final Duration LATEST = Duration.ofSeconds(30);
    private static final int STUCK_SHOWN = 3;

    private DeploymentStatusRules() {}

    /**
     * Everything the status is made of.
     *
     * @param hostSelector spec.placement.hostSelector as text, empty when a host is pinned
     * @param hosts the hosts the deployment may use (those the host selector matches)
     * @param refused why the API server refused this pass's change to the replicas, if it did
     */
    record Facts(int desired, String revision, RolloutLimits limits, Duration minReady, Duration deadline,
            List<Replica> replicas, List<DockerContainer> owned, RolloutPlan.Decision decision, String selector,
            long generation, Optional<String> hostSelector, List<HostOption> hosts, Optional<String> refused) {}

    static DockerDeploymentStatus compute(Facts f, DockerDeploymentStatus previous, Instant now) {
        RolloutProgress.Counts counts = counts(f.replicas(), f.revision(), f.minReady(), now);
        int minAvailable = f.limits().minAvailable(f.desired());
        RolloutProgress.Progress progress = RolloutProgress.progressing(new RolloutProgress.Input(before(previous),
                Optional.ofNullable(previous).map(DockerDeploymentStatus::lastProgressTime).flatMap(Timestamps::parse),
                counts, f.desired(), minAvailable, f.deadline(), stuck(f, now), now));
        RolloutProgress.Verdict available = RolloutProgress.available(counts, f.desired(), minAvailable);
        List<Condition> conditions = previous == null || previous.conditions() == null ? List.of() : previous.conditions();
        conditions = Conditions.with(conditions, RolloutProgress.AVAILABLE, available.status(), available.reason(),
                available.message(), f.generation(), now);
        conditions = Conditions.with(conditions, RolloutProgress.PROGRESSING, progress.verdict().status(),
                progress.verdict().reason(), progress.verdict().message(), f.generation(), now);
        return new DockerDeploymentStatus(counts.replicas(), counts.updated(), counts.ready(), counts.available(),
                counts.ready() + "/" + f.desired(), f.selector(), f.revision(), hosts(f.replicas()),
                Timestamps.format(progress.lastProgress()), f.generation(), conditions);
    }

    /** The status of a deployment whose spec is wrong: the counts as they are, Progressing False InvalidSpec. */
    static DockerDeploymentStatus invalid(DockerDeploymentStatus previous, List<Replica> replicas,
            DockerDeploymentSpec spec, long generation, String problem, Instant now) {
        List<Replica> live = replicas.stream().filter(r -> !r.deleting()).toList();
        int ready = (int) live.stream().filter(Replica::ready).count();
        int desired = spec == null ? 0 : spec.desiredReplicas();
        List<Condition> conditions = Conditions.with(previous == null || previous.conditions() == null ? List.of()
                        : previous.conditions(), RolloutProgress.PROGRESSING, false, "InvalidSpec",
                problem + "; the replicas are left as they are", generation, now);
        return new DockerDeploymentStatus(live.size(), previous == null ? null : previous.updatedReplicas(), ready,
                previous == null ? null : previous.availableReplicas(), ready + "/" + desired,
                previous == null ? null : previous.selector(), previous == null ? null : previous.revision(),
                hosts(replicas), previous == null ? null : previous.lastProgressTime(), generation, conditions);
    }

    /** When the next pass should look again: a replica about to count as available, a host about to fail, a deadline. */
    static Duration nextCheck(Facts f, List<HostOption> hosts, Optional<Duration> failover,
            DockerDeploymentStatus status, Instant now) {
        List<Instant> due = new ArrayList<>();
        f.replicas().stream().filter(r -> !r.deleting() && r.ready() && !r.available(f.minReady(), now))
                .forEach(r -> due.add(r.readySince().orElseThrow().plus(f.minReady())));
        failover.ifPresent(timeout -> hosts.forEach(h -> h.disconnectedSince()
                .filter(since -> f.replicas().stream().anyMatch(r -> !r.deleting() && r.host().equals(h.name())))
                .ifPresent(since -> due.add(since.plus(timeout)))));
        Conditions.find(status.conditions(), RolloutProgress.PROGRESSING)
                .filter(c -> RolloutProgress.UPDATED.equals(c.getReason()))
                .flatMap(c -> Timestamps.parse(status.lastProgressTime()))
                .ifPresent(last -> due.add(last.plus(f.deadline()).plusSeconds(1)));
        Duration next = due.stream().map(at -> Duration.between(now, at)).min(Duration::compareTo).orElse(LATEST);
        return next.compareTo(SOONEST) < 0 ? SOONEST : next.compareTo(LATEST) > 0 ? LATEST : next;
    }

    static RolloutProgress.Counts counts(List<Replica> replicas, String revision, Duration minReady, Instant now) {
        List<Replica> live = replicas.stream().filter(r -> !r.deleting()).toList();
        return new RolloutProgress.Counts(revision, live.size(),
                (int) live.stream().filter(r -> r.revision().equals(revision)).count(),
                (int) live.stream().filter(Replica::ready).count(),
                (int) live.stream().filter(r -> r.available(minReady, now)).count());
    }

    private static Optional<RolloutProgress.Counts> before(DockerDeploymentStatus previous) {
        if (previous == null || previous.revision() == null || previous.replicas() == null
                || previous.updatedReplicas() == null || previous.availableReplicas() == null) {
            return Optional.empty();
        }
        return Optional.of(new RolloutProgress.Counts(previous.revision(), previous.replicas(),
                previous.updatedReplicas(), previous.readyReplicas() == null ? 0 : previous.readyReplicas(),
                previous.availableReplicas()));
    }

    /** Why the current revision's replicas are not all available: the first few, each with its Ready reason. */
    private static String stuck(Facts f, Instant now) {
        List<String> parts = new ArrayList<>();
        for (DockerContainer dc : f.owned()) {
            Replica r = DeploymentReplicas.view(dc);
            if (!r.deleting() && r.revision().equals(f.revision()) && !r.available(f.minReady(), now)
                    && parts.size() < STUCK_SHOWN) {
                String why = dc.getStatus() == null ? "no status yet"
                        : Conditions.find(dc.getStatus().conditions(), Conditions.READY)
                                .map(c -> c.getReason() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
                                .orElse("no Ready condition yet");
                parts.add(r.name() + " on " + r.host() + ": " + (r.ready() ? "ready for less than minReadySeconds" : why));
            }
        }
        if (f.decision().unplaced() > 0) {
            parts.add(f.decision().unplaced() + " replica(s) fit on no eligible DockerHost: " + whyUnplaced(f));
        }
        f.refused().ifPresent(why -> parts.add("the API server refused a change to the replicas: " + why));
        return String.join("; ", parts);
    }

    /** The user's next step differs: fix the selector or labels, or bring a host back. */
    private static String whyUnplaced(Facts f) {
        if (f.hostSelector().isEmpty()) {
            return "the pinned host has spec.placement.maxPerHost replicas";
        }
        String selector = "spec.placement.hostSelector (" + f.hostSelector().get() + ")";
        if (f.hosts().isEmpty()) {
            return "no DockerHost matches " + selector + " in this namespace, nor in the hub's namespace with "
                    + "spec.policy.allowedNamespaces admitting this one";
        }
        List<String> down = f.hosts().stream().filter(h -> !h.eligible()).map(HostOption::name).sorted().toList();
        if (down.size() == f.hosts().size()) {
            return "every DockerHost " + selector + " matches is not Connected and Ready (" + String.join(", ", down)
                    + ")";
        }
        return "the Connected and Ready ones " + selector + " matches are full (spec.placement.maxPerHost)"
                + (down.isEmpty() ? "" : "; not Connected and Ready: " + String.join(", ", down));
    }

    /** A map, not a list: a JSON patch that removes list elements is what fabric8's API stand-in cannot apply. */
    private static Map<String, Integer> hosts(List<Replica> replicas) {
        Map<String, Integer> load = new TreeMap<>();
        replicas.stream().filter(r -> !r.deleting()).forEach(r -> load.merge(r.host(), 1, Integer::sum));
        return load.isEmpty() ? null : load;
    }
}
