package io.kdop.hub.state;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.TunnelTarget;
import io.kdop.proto.v1.WorkloadRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Which workloads each host should run. Placing or removing a workload recomputes that host's
 * snapshot in the {@link DesiredStateBook} and publishes it when it changed. Container names are
 * unique per host, across long-running containers and jobs: a second workload asking for a taken
 * name is refused, the first keeps it.
 */
public final class HostWorkloads {

    private final DesiredStateBook book;
    private final BiConsumer<String, DesiredState> publisher;
    private final Map<String, Map<String, Entry>> byHost = new HashMap<>();
    private final Map<String, String> hostOfWorkload = new HashMap<>();
    private final Map<String, Removal> removals = new HashMap<>();
    /** Per host, the workloads it must leave alone, by uid. */
    private final Map<String, Map<String, WorkloadRef>> retained = new HashMap<>();
    private final Map<String, Long> specRevision = new HashMap<>();
    /** Container ports tunnels may reach, per workload uid and per who declared them (its own services, a DockerService). */
    private final Map<String, Map<String, java.util.SortedSet<Integer>>> tunnelPorts = new HashMap<>();
    /** The revision at which each workload came to its current host: spec edits there leave it alone. */
    private final Map<String, Long> landedRevision = new HashMap<>();
    /** Each host's policy, sent with its snapshot for the agent to enforce again. */
    private final Map<String, HostPolicy> policies = new HashMap<>();

    /** A placed workload: a long-running container, or a job (whose container is job.container). */
    private record Entry(ContainerSpec container, JobSpec job) {
        String uid() {
            return container.getWorkload().getUid();
        }
    }

    /** A workload taken off a host at a revision; gone once the host reports that revision without it. */
    public record Removal(String hostKey, long revision, WorkloadRef workload) {}

    /** The result of placing a workload. */
    public sealed interface Placement {
        /** The host's desired state holds the spec now, since the given revision. */
        record Placed(long revision) implements Placement {}

        /** Another workload on the host already has the container name. */
        record NameTaken(String holderUid) implements Placement {}
    }

    public HostWorkloads(DesiredStateBook book, BiConsumer<String, DesiredState> publisher) {
        this.book = book;
        this.publisher = publisher;
        book.onResent(this::resent);
    }

    /**
     * The host's agent was sent the whole snapshot at {@code revision}, content it had not
     * applied: every workload there counts as placed at that revision, so a report the agent made
     * before it (about what it ran until then) is not taken for the current spec.
     */
    private synchronized void resent(String hostKey, long revision) {
        byHost.getOrDefault(hostKey, Map.of()).keySet().forEach(uid -> specRevision.merge(uid, revision, Math::max));
    }

    public synchronized Placement place(String hostKey, ContainerSpec spec) {
        return place(hostKey, new Entry(spec, null));
    }

    public synchronized Placement placeJob(String hostKey, JobSpec job) {
        return place(hostKey, new Entry(job.getContainer(), job));
    }

    private Placement place(String hostKey, Entry spec) {
        String uid = spec.uid();
        Map<String, Entry> host = byHost.computeIfAbsent(hostKey, k -> new HashMap<>());
        for (Entry other : host.values()) {
            if (!other.uid().equals(uid)
                    && other.container().getContainerName().equals(spec.container().getContainerName())) {
                return new Placement.NameTaken(other.uid());
            }
        }
        String previousHost = hostOfWorkload.get(uid);
        if (previousHost != null && !previousHost.equals(hostKey)) {
            remove(uid);
        }
        Entry before = host.put(uid, spec);
        hostOfWorkload.put(uid, hostKey);
        boolean wasRetained = retained.getOrDefault(hostKey, new HashMap<>()).remove(uid) != null;
        // Back on the host it was being removed from: nothing to wait for there any more.
        removals.computeIfPresent(uid, (k, removal) -> removal.hostKey().equals(hostKey) ? null : removal);
        long revision = publish(hostKey);
        if (!spec.equals(before) || wasRetained || !specRevision.containsKey(uid)) {
            specRevision.put(uid, revision);
        }
        if (before == null) {
            landedRevision.put(uid, revision); // new on this host
        }
        return new Placement.Placed(specRevision.get(uid));
    }

    /**
     * A workload that exists but cannot be resolved now and is not placed (after a hub restart,
     * say): its host must leave its containers alone rather than remove them.
     */
    public synchronized void retain(String hostKey, WorkloadRef workload) {
        if (hostOfWorkload.containsKey(workload.getUid())) {
            return; // its last valid spec is placed and keeps running
        }
        if (retained.computeIfAbsent(hostKey, k -> new HashMap<>()).put(workload.getUid(), workload) == null) {
            publish(hostKey);
        }
    }

    /**
     * Sets the host's policy (its DockerHost's spec.policy). A changed policy goes out with the
     * host's snapshot at once if the host has one; otherwise with the first workload placed there.
     */
    public synchronized void policy(String hostKey, HostPolicy policy) {
        HostPolicy before = policies.put(hostKey, policy);
        if (!policy.equals(before) && book.current(hostKey).isPresent()) {
            publish(hostKey);
        }
    }

    /** Takes the workload off its host; returns the removal to wait for, if it was placed. */
    public synchronized Optional<Removal> remove(String uid) {
        specRevision.remove(uid);
        landedRevision.remove(uid);
        retained.forEach((host, kept) -> {
            if (kept.remove(uid) != null) {
                publish(host);
            }
        });
        String hostKey = hostOfWorkload.remove(uid);
        if (hostKey == null) {
            return Optional.ofNullable(removals.get(uid));
        }
        Entry was = byHost.get(hostKey).remove(uid);
        Removal removal = new Removal(hostKey, publish(hostKey), was.container().getWorkload());
        removals.put(uid, removal);
        return Optional.of(removal);
    }

    /**
     * A workload being deleted that this hub never placed (it started after the deletion began):
     * wait for the host to report it gone at or after the host's current revision.
     */
    public synchronized Removal expectRemoval(String hostKey, WorkloadRef workload) {
        return removals.computeIfAbsent(workload.getUid(), k -> new Removal(hostKey,
                book.current(hostKey).map(DesiredState::getRevision).orElse(0L), workload));
    }

    /** Forgets a removal once it is confirmed (or can never be). */
    public synchronized void forgetRemoval(String uid) {
        removals.remove(uid);
    }

    /**
     * Whether the host may report about the workload: it is placed or retained there (a retained
     * job goes on from the agent's record), or being removed from there.
     */
    public synchronized boolean concerns(String hostKey, String uid) {
        return reference(hostKey, uid).isPresent();
    }

    /**
     * The workload the host may report about under this uid, as the hub placed, retained or is
     * removing it there: a report names its workload by uid, and everything else about it comes from here.
     */
    public synchronized Optional<WorkloadRef> reference(String hostKey, String uid) {
        if (hostKey.equals(hostOfWorkload.get(uid))) {
            return Optional.of(byHost.get(hostKey).get(uid).container().getWorkload());
        }
        WorkloadRef kept = retained.getOrDefault(hostKey, Map.of()).get(uid);
        if (kept != null) {
            return Optional.of(kept);
        }
        return Optional.ofNullable(removals.get(uid)).filter(r -> r.hostKey().equals(hostKey)).map(Removal::workload);
    }

    public synchronized Optional<String> hostOf(String uid) {
        return Optional.ofNullable(hostOfWorkload.get(uid));
    }

    /** The revision of its host's desired state since which the workload is on that host (in any spec). */
    public synchronized Optional<Long> placedSince(String uid) {
        return hostOfWorkload.containsKey(uid) ? Optional.ofNullable(landedRevision.get(uid)) : Optional.empty();
    }

    /**
     * Declares the container ports of a workload that tunnels of one source (e.g.
     * "DockerContainer", "DockerService ns/name") reach; an empty set withdraws them. The host's
     * desired state changes only in its tunnel targets: no container is touched.
     */
    public synchronized void declareTunnelPorts(String source, String uid, java.util.Collection<Integer> ports) {
        Map<String, java.util.SortedSet<Integer>> bySource = tunnelPorts.computeIfAbsent(uid, k -> new HashMap<>());
        java.util.SortedSet<Integer> before = bySource.get(source);
        if (ports.isEmpty()) {
            bySource.remove(source);
            if (bySource.isEmpty()) {
                tunnelPorts.remove(uid);
            }
        } else {
            bySource.put(source, new java.util.TreeSet<>(ports));
        }
        if (!java.util.Objects.equals(before, bySource.get(source)) && hostOfWorkload.containsKey(uid)) {
            publish(hostOfWorkload.get(uid));
        }
    }

    /** Whether tunnels may reach this port of the workload on this host. */
    public synchronized boolean tunnelAllowed(String hostKey, String uid, int port) {
        return hostKey.equals(hostOfWorkload.get(uid)) && tunnelPorts.getOrDefault(uid, Map.of()).values().stream()
                .anyMatch(ports -> ports.contains(port));
    }

    /** Whether workloads taken off the host still wait for its agent to confirm them gone. */
    public synchronized boolean removalsPending(String hostKey) {
        return removals.values().stream().anyMatch(r -> r.hostKey().equals(hostKey));
    }

    /** Whether the host runs workloads declared in the namespace. */
    public synchronized boolean placedFrom(String hostKey, String namespace) {
        return byHost.getOrDefault(hostKey, Map.of()).values().stream()
                .anyMatch(e -> namespace.equals(e.container().getWorkload().getNamespace()));
    }

    /** Forgets a host entirely (its DockerHost was deleted); returns the workloads that were on it. */
    public synchronized List<String> forgetHost(String hostKey) {
        Map<String, Entry> host = byHost.remove(hostKey);
        List<String> uids = host == null ? List.of() : List.copyOf(host.keySet());
        uids.forEach(hostOfWorkload::remove);
        uids.forEach(specRevision::remove);
        uids.forEach(landedRevision::remove);
        retained.remove(hostKey);
        policies.remove(hostKey);
        removals.values().removeIf(r -> r.hostKey().equals(hostKey));
        return uids;
    }

    private long publish(String hostKey) {
        // A stable order, so the same set of workloads always has the same digest.
        List<Entry> entries = byHost.getOrDefault(hostKey, Map.of()).values().stream()
                .sorted(Comparator.comparing(Entry::uid)).toList();
        List<ContainerSpec> containers = entries.stream().filter(e -> e.job() == null).map(Entry::container).toList();
        List<JobSpec> jobs = entries.stream().filter(e -> e.job() != null).map(Entry::job).toList();
        List<String> keep = retained.getOrDefault(hostKey, Map.of()).keySet().stream().sorted().toList();
        List<TunnelTarget> targets = new ArrayList<>();
        for (ContainerSpec container : containers) {
            java.util.SortedSet<Integer> ports = new java.util.TreeSet<>();
            tunnelPorts.getOrDefault(container.getWorkload().getUid(), Map.of()).values().forEach(ports::addAll);
            if (!ports.isEmpty()) {
                targets.add(TunnelTarget.newBuilder().setWorkload(container.getWorkload()).addAllPorts(ports).build());
            }
        }
        HostPolicy policy = policies.getOrDefault(hostKey, HostPolicy.getDefaultInstance());
        book.update(hostKey, containers, jobs, keep, targets, policy).ifPresent(snapshot -> publisher.accept(hostKey, snapshot));
        return book.current(hostKey).map(DesiredState::getRevision).orElse(0L);
    }
}
