package io.kdop.hub.deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where new replicas go: to eligible hosts only, each to the host with the fewest replicas of the
 * current template (then the fewest of any, then by name, so the choice is stable), so no host
 * gets a second one before every eligible host has one, and a rollout ends as evenly spread as it
 * began; never above maxPerHost replicas of the current template (an old replica and its
 * replacement may share a host for the length of a rollout: counting the old one would stop a
 * rollout on full hosts).
 */
public final class Placement {

    private Placement() {}

    /**
     * Hosts for {@code count} new replicas, in order; shorter than count when the rest fit nowhere.
     *
     * @param current replicas of the current template per host name that will stay
     * @param all replicas of any template per host name that will stay (the tie-breaker)
     * @param maxPerHost the limit per host, or empty for none
     */
    public static List<String> choose(int count, List<HostOption> hosts, Map<String, Integer> current,
            Map<String, Integer> all, Optional<Integer> maxPerHost) {
        Map<String, Integer> load = new HashMap<>(current);
        Map<String, Integer> total = new HashMap<>(all);
        List<String> eligible = hosts.stream().filter(HostOption::eligible).map(HostOption::name).sorted().toList();
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<String> next = eligible.stream()
                    .filter(h -> maxPerHost.map(max -> load.getOrDefault(h, 0) < max).orElse(true))
                    .min(Comparator.comparingInt((String h) -> load.getOrDefault(h, 0))
                            .thenComparingInt(h -> total.getOrDefault(h, 0)).thenComparing(h -> h));
            if (next.isEmpty()) {
                break;
            }
            chosen.add(next.get());
            load.merge(next.get(), 1, Integer::sum);
            total.merge(next.get(), 1, Integer::sum);
        }
        return chosen;
    }

    /** {@link #choose(int, List, Map, Map, Optional)} when every replica is of the current template. */
    public static List<String> choose(int count, List<HostOption> hosts, Map<String, Integer> current,
            Optional<Integer> maxPerHost) {
        return choose(count, hosts, current, current, maxPerHost);
    }

    /** Replicas per host name. */
    public static Map<String, Integer> load(List<Replica> replicas) {
        Map<String, Integer> load = new HashMap<>();
        replicas.forEach(r -> load.merge(r.host(), 1, Integer::sum));
        return load;
    }
}
