package io.kdop.hub.state;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.TunnelTarget;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The desired state of every host, each a complete snapshot with its revision. A host nobody
 * has declared workloads for has the empty snapshot, which is still a state the agent converges to.
 */
public final class DesiredStateBook {

    private final Map<String, DesiredState> byHost = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, Long> resent = (hostKey, revision) -> { };

    /** Replaces a host's workloads; returns the new snapshot if its content changed. */
    public Optional<DesiredState> update(String hostKey, List<ContainerSpec> containers) {
        return update(hostKey, containers, List.of());
    }

    /**
     * Replaces a host's workloads and the workloads it must leave alone; returns the new snapshot
     * if its content changed.
     */
    public Optional<DesiredState> update(String hostKey, List<ContainerSpec> containers, List<String> retainedUids) {
        return update(hostKey, containers, List.of(), retainedUids);
    }

    /**
     * Replaces a host's containers, jobs and the workloads it must leave alone; returns the new
     * snapshot if its content changed.
     */
    public Optional<DesiredState> update(String hostKey, List<ContainerSpec> containers, List<JobSpec> jobs,
            List<String> retainedUids) {
        return update(hostKey, containers, jobs, retainedUids, List.of());
    }

    /** As above, with the container ports tunnels may reach. */
    public Optional<DesiredState> update(String hostKey, List<ContainerSpec> containers, List<JobSpec> jobs,
            List<String> retainedUids, List<TunnelTarget> tunnelTargets) {
        return update(hostKey, containers, jobs, retainedUids, tunnelTargets, HostPolicy.getDefaultInstance());
    }

    /**
     * As above, with the host's policy. A host without one sends none (the agent applies the same
     * defaults), so its snapshot's digest is what it was before hosts had policies.
     */
    public Optional<DesiredState> update(String hostKey, List<ContainerSpec> containers, List<JobSpec> jobs,
            List<String> retainedUids, List<TunnelTarget> tunnelTargets, HostPolicy policy) {
        DesiredState.Builder builder = DesiredState.newBuilder().addAllContainers(containers).addAllJobs(jobs)
                .addAllRetainedWorkloadUids(retainedUids).addAllTunnelTargets(tunnelTargets);
        if (!policy.equals(HostPolicy.getDefaultInstance())) {
            builder.setPolicy(policy);
        }
        DesiredState content = builder.build();
        String digest = digest(content);
        DesiredState[] changed = new DesiredState[1];
        byHost.compute(hostKey, (key, current) -> {
            Revision revision = Revision.next(Optional.ofNullable(current).map(DesiredStateBook::revisionOf), digest,
                    Optional.empty());
            if (current != null && revisionOf(current).equals(revision)) {
                return current;
            }
            changed[0] = content.toBuilder().setRevision(revision.number()).setDigest(digest).build();
            return changed[0];
        });
        return Optional.ofNullable(changed[0]);
    }

    /**
     * Tells {@code listener} (host key, revision) whenever an agent is sent a snapshot whose content
     * it has not applied: it converges to that revision anew, whatever its earlier reports said.
     * Called outside the book's locks.
     */
    public void onResent(BiConsumer<String, Long> listener) {
        this.resent = listener;
    }

    /** The snapshot to send an agent that just said which revision it applied; never below it. */
    public DesiredState forSession(String hostKey, Revision agentApplied) {
        DesiredState snapshot = byHost.compute(hostKey, (key, current) -> {
            DesiredState content = current != null ? current : DesiredState.getDefaultInstance();
            String digest = digest(content);
            Revision revision = Revision.next(Optional.ofNullable(current).map(DesiredStateBook::revisionOf), digest,
                    agentApplied.equals(Revision.NONE) ? Optional.empty() : Optional.of(agentApplied));
            return content.toBuilder().setRevision(revision.number()).setDigest(digest).build();
        });
        if (snapshot.getRevision() != agentApplied.number()) {
            // e.g. a restarted hub, whose revisions began again below the agent's: reports the agent
            // made before this snapshot describe other content and must not count for it
            resent.accept(hostKey, snapshot.getRevision());
        }
        return snapshot;
    }

    public Optional<DesiredState> current(String hostKey) {
        return Optional.ofNullable(byHost.get(hostKey));
    }

    public void forget(String hostKey) {
        byHost.remove(hostKey);
    }

    private static Revision revisionOf(DesiredState state) {
        return new Revision(state.getRevision(), state.getDigest());
    }

    static String digest(DesiredState content) {
        DesiredState normalized = content.toBuilder().clearRevision().clearDigest().build();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalized.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
