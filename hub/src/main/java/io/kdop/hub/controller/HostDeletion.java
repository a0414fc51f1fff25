package io.kdop.hub.controller;

import java.time.Duration;

/**
 * When a deleted DockerHost lets go. Deleting a host revokes its agent, after which nothing can
 * remove a container from that host any more. So while the agent is connected, the host waits
 * (for a bounded time) for the deletions of its workloads that are already under way, and, when
 * its whole namespace is being deleted, for the workloads of that namespace: `kubectl delete
 * namespace` deletes hosts and containers at once, in no particular order, and must not leave the
 * containers running on the host without an owner.
 */
record HostDeletion(boolean agentConnected, boolean namespaceTerminating, boolean removalsPending,
        boolean placedFromNamespace, Duration sinceDeletion) {

    /** How long a host's deletion waits at most for its workloads' removals. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);

    boolean waits() {
        return agentConnected && sinceDeletion.compareTo(DRAIN_LIMIT) < 0
                && (removalsPending || namespaceTerminating && placedFromNamespace);
    }
}
