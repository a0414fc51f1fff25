package io.kdop.hub.session;

import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest status report of every host, and through it the observed state of every workload.
 * A host may only report about workloads placed on it (or being removed from it); anything else
 * in its report is dropped. A report names a workload by uid only: its kind, namespace and name
 * are the hub's own, whatever the agent wrote there.
 */
public final class WorkloadReports {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadReports.class);

    private final Map<String, StatusReport> byHost = new ConcurrentHashMap<>();
    private final BiFunction<String, String, Optional<WorkloadRef>> placement;
    private final Consumer<WorkloadRef> onChange;

    /**
     * @param placement the workload a host (key) may report about under a uid, if any
     * @param onChange told about every workload whose reported state may have changed
     */
    public WorkloadReports(BiFunction<String, String, Optional<WorkloadRef>> placement,
            Consumer<WorkloadRef> onChange) {
        this.placement = placement;
        this.onChange = onChange;
    }

    /** Takes a host's latest report: an agent's, through its session, or a direct host's engine's. */
    public void accept(String hostKey, StatusReport report) {
        StatusReport.Builder allowed = StatusReport.newBuilder().setObservedRevision(report.getObservedRevision());
        Set<String> seen = new HashSet<>();
        for (WorkloadStatus status : report.getWorkloadsList()) {
            String uid = status.getWorkload().getUid();
            Optional<WorkloadRef> placed = placement.apply(hostKey, uid);
            if (placed.isEmpty()) {
                LOG.warn("{} reported on workload uid {} which is not placed on it; ignored", hostKey,
                        PeerText.forLog(uid));
            } else if (seen.add(uid)) {
                allowed.addWorkloads(bounded(status).toBuilder().setWorkload(placed.get()));
            }
        }
        StatusReport accepted = allowed.build();
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} reports revision {}: {}", hostKey, accepted.getObservedRevision(), summary(accepted));
        }
        StatusReport previous = byHost.put(hostKey, accepted);
        Set<WorkloadRef> touched = new HashSet<>();
        if (previous != null) {
            previous.getWorkloadsList().forEach(old -> touched.add(old.getWorkload()));
        }
        accepted.getWorkloadsList().forEach(status -> touched.add(status.getWorkload()));
        touched.forEach(onChange);
    }

    /** One line per report for a debug log: each workload's name, phase and short container ID. */
    private static String summary(StatusReport report) {
        StringBuilder line = new StringBuilder();
        for (WorkloadStatus w : report.getWorkloadsList()) {
            String id = w.getContainerId();
            line.append(line.isEmpty() ? "" : ", ").append(w.getWorkload().getName()).append('=').append(w.getPhase())
                    .append('@').append(w.getObservedRevision())
                    .append(id.isEmpty() ? "" : "/" + id.substring(0, Math.min(12, id.length())));
        }
        return line.isEmpty() ? "no workloads" : line.toString();
    }

    private static final Set<String> PHASES = Set.of("Pending", "Pulling", "Creating", "Running",
            "Restarting", "Exited", "Failed", "Removing", "Succeeded");
    /** A failed job's message ends with the tail of its output (the agent keeps at most 2 KiB of it). */
    private static final int MAX_MESSAGE = 4096;

    /** An agent's words go into Kubernetes status: known phases only, and bounded text without controls. */
    private static WorkloadStatus bounded(WorkloadStatus status) {
        WorkloadStatus.Builder b = status.toBuilder();
        if (!PHASES.contains(b.getPhase())) {
            b.setPhase("Unknown");
        }
        b.setMessage(PeerText.forStatusLines(b.getMessage(), MAX_MESSAGE)).setReason(PeerText.forStatus(b.getReason()))
                .setHealth(PeerText.forStatus(b.getHealth())).setIpv4(PeerText.forStatus(b.getIpv4()))
                .setContainerId(PeerText.forStatus(b.getContainerId()))
                .setStartedAt(PeerText.forStatus(b.getStartedAt()));
        if (b.hasJob()) {
            b.getJobBuilder().setStartTime(PeerText.forStatus(b.getJob().getStartTime()))
                    .setCompletionTime(PeerText.forStatus(b.getJob().getCompletionTime()))
                    .setSpecDigest(PeerText.forStatus(b.getJob().getSpecDigest()));
        }
        return b.build();
    }

    /** What the host last reported about the workload (a workload that moved is reported by two hosts). */
    public Optional<WorkloadStatus> status(String hostKey, String workloadUid) {
        StatusReport report = byHost.get(hostKey);
        return report == null ? Optional.empty() : report.getWorkloadsList().stream()
                .filter(s -> s.getWorkload().getUid().equals(workloadUid)).findFirst();
    }

    /** Whether the host's latest report, made at or after the revision, no longer lists the workload. */
    public boolean confirmsGone(String hostKey, long revision, String workloadUid) {
        StatusReport report = byHost.get(hostKey);
        return report != null && report.getObservedRevision() >= revision
                && report.getWorkloadsList().stream().noneMatch(s -> s.getWorkload().getUid().equals(workloadUid));
    }

    public void forgetHost(String hostKey) {
        byHost.remove(hostKey);
    }
}
