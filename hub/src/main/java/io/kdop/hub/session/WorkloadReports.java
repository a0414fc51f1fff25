package io.kdop.hub.session;

import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest status report of every host, and through it the observed state of every workload.
 * A host may only report about workloads placed on it (or being removed from it); anything else
 * in its report is dropped.
 */
public final class WorkloadReports {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadReports.class);

    private final Map<String, StatusReport> byHost = new ConcurrentHashMap<>();
    private final BiPredicate<String, String> hostConcerns;
    private final Consumer<WorkloadRef> onChange;

    /**
     * @param hostConcerns whether a host (key) may report about a workload (uid)
     * @param onChange told about every workload whose reported state may have changed
     */
    public WorkloadReports(BiPredicate<String, String> hostConcerns, Consumer<WorkloadRef> onChange) {
        this.hostConcerns = hostConcerns;
        this.onChange = onChange;
    }

    void accept(String hostKey, StatusReport report) {
        StatusReport.Builder allowed = StatusReport.newBuilder().setObservedRevision(report.getObservedRevision());
        for (WorkloadStatus status : report.getWorkloadsList()) {
            if (hostConcerns.test(hostKey, status.getWorkload().getUid())) {
                allowed.addWorkloads(bounded(status));
            } else {
                LOG.warn("{} reported on workload uid {} which is not placed on it; ignored", hostKey,
                        cap(status.getWorkload().getUid()).replaceAll("[^A-Za-z0-9-]", "?"));
            }
        }
        StatusReport accepted = allowed.build();
        StatusReport previous = byHost.put(hostKey, accepted);
        Set<WorkloadRef> touched = new HashSet<>();
        if (previous != null) {
            previous.getWorkloadsList().forEach(old -> touched.add(old.getWorkload()));
        }
        accepted.getWorkloadsList().forEach(status -> touched.add(status.getWorkload()));
        touched.forEach(onChange);
    }

    private static final java.util.Set<String> PHASES = java.util.Set.of("Pending", "Pulling", "Creating", "Running",
            "Restarting", "Exited", "Failed", "Removing", "Succeeded");
    private static final int MAX_TEXT = 1024;
    /** A failed job's message ends with the tail of its output (the agent keeps at most 2 KiB of it). */
    private static final int MAX_MESSAGE = 4096;

    /** An agent's words go into Kubernetes status: known phases only, and no unbounded text. */
    private static WorkloadStatus bounded(WorkloadStatus status) {
        WorkloadStatus.Builder b = status.toBuilder();
        if (!PHASES.contains(b.getPhase())) {
            b.setPhase("Unknown");
        }
        b.setMessage(cap(b.getMessage(), MAX_MESSAGE)).setReason(cap(b.getReason())).setHealth(cap(b.getHealth()))
                .setIpv4(cap(b.getIpv4())).setContainerId(cap(b.getContainerId())).setStartedAt(cap(b.getStartedAt()));
        if (b.hasJob()) {
            b.getJobBuilder().setStartTime(cap(b.getJob().getStartTime()))
                    .setCompletionTime(cap(b.getJob().getCompletionTime())).setSpecDigest(cap(b.getJob().getSpecDigest()));
        }
        return b.build();
    }

    private static String cap(String text) {
        return cap(text, MAX_TEXT);
    }

    private static String cap(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
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
