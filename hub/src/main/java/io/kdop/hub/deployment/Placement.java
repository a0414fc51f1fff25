package io.kdop.hub.deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where new replicas go: to eligible hosts only, each to the host with the fewest replicas of the
 * deployment (ties by name, so the choice is stable), so no host gets a second one before every
 * eligible host has one; never above maxPerHost.
 */
public final class Placement {

    private Placement() {}

    /**
     * Hosts for {@code count} new replicas, in order; shorter than count when the rest fit nowhere.
     *
     * @param current replicas per host name that will stay (any host, eligible or not)
     * @param maxPerHost the limit per host, or empty for none
     */
    public static List<String> choose(int count, List<HostOption> hosts, Map<String, Integer> current,
            Optional<Integer> maxPerHost) {
        Map<String, Integer> load = new HashMap<>(current);
        List<String> eligible = hosts.stream().filter(HostOption::eligible).map(HostOption::name).sorted().toList();
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<String> next = eligible.stream()
                    .filter(h -> maxPerHost.map(max -> load.getOrDefault(h, 0) < max).orElse(true))
                    .min(Comparator.comparingInt((String h) -> load.getOrDefault(h, 0)).thenComparing(h -> h));
            if (next.isEmpty()) {
                break;
            }
            chosen.add(next.get());
            load.merge(next.get(), 1, Integer::sum);
        }
        return chosen;
    }

    /** Replicas per host name. */
    public static Map<String, Integer> load(List<Replica> replicas) {
        Map<String, Integer> load = new HashMap<>();
        replicas.forEach(r -> load.merge(r.host(), 1, Integer::sum));
        return load;
    }
}
