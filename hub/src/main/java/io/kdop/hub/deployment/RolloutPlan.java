package io.kdop.hub.deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one reconcile of a DockerDeployment does to its replicas, without I/O: which to delete and
 * where to create new ones, following a Kubernetes Deployment's rules. Old replicas go only while
 * enough replicas stay available (maxUnavailable), new ones come only up to maxSurge above
 * spec.replicas, so an update whose new replicas never become available stops with the old ones
 * serving. Replicas on a host Disconnected longer than the failover timeout are replaced elsewhere.
 */
public final class RolloutPlan {

    private RolloutPlan() {}

    /** Everything a decision looks at. */
    public record Input(int desired, String revision, RolloutLimits limits, Duration minReady,
            Optional<Duration> hostFailureTimeout, Optional<Integer> maxPerHost, List<HostOption> hosts,
            List<Replica> replicas, Instant now) {}

    /**
     * @param delete replicas to delete, by name
     * @param create one host name per replica to create
     * @param unplaced replicas wanted that fit on no eligible host now
     * @param failedOver replicas deleted because their host failed (a subset of delete)
     */
    public record Decision(List<String> delete, List<String> create, int unplaced, List<String> failedOver) {}

    public static Decision decide(Input in) {
        Set<String> failedHosts = failedHosts(in);
        List<Replica> live = in.replicas().stream().filter(r -> !r.deleting()).toList();
        Set<String> delete = new LinkedHashSet<>();
        List<String> failedOver = new ArrayList<>();
        boolean somewhereElse = in.hosts().stream().anyMatch(h -> h.eligible() && !failedHosts.contains(h.name()));
        if (somewhereElse) {
            live.stream().filter(r -> failedHosts.contains(r.host())).forEach(r -> failedOver.add(r.name()));
            delete.addAll(failedOver);
        }
        List<Replica> staying = live.stream().filter(r -> !delete.contains(r.name())).toList();
        List<Replica> fresh = staying.stream().filter(r -> r.revision().equals(in.revision())).toList();
        List<Replica> old = staying.stream().filter(r -> !r.revision().equals(in.revision())).toList();
        int create;
        if (old.isEmpty()) {
            create = Math.max(0, in.desired() - fresh.size());
            surplus(fresh, fresh.size() - in.desired(), in).forEach(r -> delete.add(r.name()));
        } else if (in.limits().recreate()) {
            // everything old goes first; the new ones start once no old container may still run
            old.forEach(r -> delete.add(r.name()));
            create = 0;
        } else {
            create = Math.max(0, Math.min(in.desired() + in.limits().maxSurge() - staying.size(),
                    in.desired() - fresh.size()));
            scaleDownOld(in, staying, fresh, old).forEach(r -> delete.add(r.name()));
        }
        if (in.limits().recreate() && old.isEmpty() && in.replicas().stream()
                .anyMatch(r -> r.deleting() && !r.revision().equals(in.revision()))) {
            create = 0; // Recreate: old containers are still being removed from their hosts
        }
        List<Replica> remaining = staying.stream().filter(r -> !delete.contains(r.name())).toList();
        List<String> hosts = Placement.choose(create, in.hosts().stream()
                        .filter(h -> !failedHosts.contains(h.name())).toList(),
                Placement.load(remaining.stream().filter(r -> r.revision().equals(in.revision())).toList()),
                Placement.load(remaining), in.maxPerHost());
        return new Decision(List.copyOf(delete), hosts, create - hosts.size(), List.copyOf(failedOver));
    }

    /**
     * Old replicas that may go now, as Kubernetes' rolling update picks them: never so many that
     * fewer than spec.replicas - maxUnavailable stay available, counting new replicas that are not
     * available yet as the budget they already use; unavailable old ones first.
     */
    private static List<Replica> scaleDownOld(Input in, List<Replica> staying, List<Replica> fresh, List<Replica> old) {
        int minAvailable = in.limits().minAvailable(in.desired());
        Predicate<Replica> available = r -> r.available(in.minReady(), in.now());
        long freshUnavailable = fresh.stream().filter(available.negate()).count();
        long budget = staying.size() - minAvailable - freshUnavailable;
        List<Replica> chosen = new ArrayList<>();
        if (budget <= 0) {
            return chosen;
        }
        chosen.addAll(leastUseful(old.stream().filter(available.negate()).toList(), staying, (int) budget, in));
        long availableNow = staying.stream().filter(available).count();
        int more = (int) Math.min(budget - chosen.size(), availableNow - minAvailable);
        chosen.addAll(leastUseful(old.stream().filter(available).toList(), staying, more, in));
        return chosen;
    }

    /** The replicas to remove when there are {@code count} too many. */
    private static List<Replica> surplus(List<Replica> replicas, int count, Input in) {
        return leastUseful(replicas, replicas, count, in);
    }

    /**
     * Up to {@code count} of the candidates, least useful first: on a host that may take no new
     * replica, not ready, on the host that has the most replicas at that point (keeps the spread),
     * the newest (highest name).
     */
    private static List<Replica> leastUseful(List<Replica> candidates, List<Replica> all, int count, Input in) {
        Set<String> eligible = new HashSet<>();
        in.hosts().stream().filter(HostOption::eligible).forEach(h -> eligible.add(h.name()));
        Map<String, Integer> load = Placement.load(all);
        List<Replica> left = new ArrayList<>(candidates);
        List<Replica> chosen = new ArrayList<>();
        while (chosen.size() < count && !left.isEmpty()) {
            Replica next = left.stream().min(Comparator
                            .comparing((Replica r) -> eligible.contains(r.host()))
                            .thenComparing(Replica::ready)
                            .thenComparing(r -> -load.getOrDefault(r.host(), 0))
                            .thenComparing(Replica::name, Comparator.reverseOrder()))
                    .orElseThrow();
            chosen.add(next);
            left.remove(next);
            load.merge(next.host(), -1, Integer::sum);
        }
        return chosen;
    }

    private static Set<String> failedHosts(Input in) {
        Set<String> failed = new HashSet<>();
        in.hostFailureTimeout().ifPresent(timeout -> in.hosts().forEach(h -> h.disconnectedSince()
                .filter(since -> !since.plus(timeout).isAfter(in.now()))
                .ifPresent(since -> failed.add(h.name()))));
        return failed;
    }
}
