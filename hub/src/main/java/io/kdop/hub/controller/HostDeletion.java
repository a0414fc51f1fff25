package io.kdop.hub.controller;

import java.time.Duration;

/**
 * When a deleted DockerHost lets go. Deleting a host revokes its agent, after which nothing can
 * remove a container from that host any more. So while the agent is connected, the host waits
 * (for a bounded time) for the deletions of its workloads that are already under way, and, when
 * its whole namespace is being deleted, for the workloads of that namespace: `kubectl delete
 * namespace` deletes hosts and containers at once, in no particular order, and must not leave the
 * containers running on the host without an owner. And for a moment after its deletion it waits
 * for any of its namespace's workloads there: `kubectl delete -f` of a file that lists the host
 * before its containers deletes them a few milliseconds after the host.
 */
record HostDeletion(boolean agentConnected, boolean namespaceTerminating, boolean removalsPending,
        boolean placedFromNamespace, Duration sinceDeletion) {

    /** How long a host's deletion waits at most for its workloads' removals. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    /**
     * How long a host that runs workloads of its namespace waits for their deletions to arrive
     * (deletion timestamps have whole seconds, so at least two).
     */
    static final Duration SETTLE = Duration.ofSeconds(3);

    boolean waits() {
        return agentConnected && sinceDeletion.compareTo(DRAIN_LIMIT) < 0
                && (removalsPending
                        || placedFromNamespace && (namespaceTerminating || sinceDeletion.compareTo(SETTLE) < 0));
    }
}
