package io.kdop.engine.run;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.job.JobStatuses;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.Phase;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.status.RestartLedger;
import io.kdop.engine.status.StatusComposer;
import io.kdop.engine.status.StatusSink;
import io.kdop.proto.v1.JobProgress;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The statuses a {@link ReconcilePass} publishes: progress while a step takes long, the whole
 * host after each pass, what was last known while Docker cannot be read. Every report goes to the
 * {@link StatusSink} whole. Runs on the pass's thread only.
 */
final class PassStatuses {

    private static final Comparator<WorkloadRef> REPORT_ORDER = Comparator.comparing(WorkloadRef::getNamespace)
            .thenComparing(WorkloadRef::getName).thenComparing(WorkloadRef::getKind).thenComparing(WorkloadRef::getUid);

    private final StatusSink sink;
    /** Workloads whose image is being pulled, with what their status says meanwhile (this pass only). */
    private final Map<String, String> pulling = new LinkedHashMap<>();
    /** The statuses last published, by workload UID: kept while Docker cannot be read. */
    private final Map<String, WorkloadStatus> statuses = new LinkedHashMap<>();
    /**
     * The revision the last complete pass applied to Docker: what a report says it was observed
     * against. The hub takes a workload missing from a report at or after the revision that
     * dropped it as removed, so a report made mid-pass or without Docker must not claim more.
     */
    private long appliedRevision;

    PassStatuses(StatusSink sink) {
        this.sink = sink;
    }

    /** A pass begins: no pull of its is under way yet. */
    void passBegins() {
        pulling.clear();
    }

    /** A container's image is being pulled: its status says so now and when the pass publishes. */
    void pulling(WorkloadPlan plan, String message, long revision) {
        pulling.put(plan.uid(), message);
        progress(plan, Phase.Pulling, message, revision);
    }

    /** A job's image is being pulled. */
    void jobPulling(String uid, JobSpec spec, String image, long revision) {
        statuses.put(uid, JobStatuses.pulling(statuses.get(uid), spec, image, revision));
        sink.publish(report());
    }

    /** A step that takes a while began (a create, say): published at once. */
    void progress(WorkloadPlan plan, Phase phase, String message, long revision) {
        statuses.put(plan.uid(), StatusComposer.progress(statuses.get(plan.uid()), plan.workload(), phase, message,
                revision));
        sink.publish(report());
    }

    /**
     * A pass applied {@code revision}: the status of every planned workload from the containers
     * observed after it, then the jobs' (a uid both a container and a job: the container's).
     *
     * @param containers the managed containers other than jobs', observed after the pass
     */
    void passApplied(List<WorkloadPlan> plans, List<ObservedContainer> containers, FailureTracker failures,
            RestartLedger ledger, List<WorkloadStatus> jobs, long revision) {
        Map<String, List<ObservedContainer>> byUid = containers.stream()
                .collect(Collectors.groupingBy(ObservedContainer::workloadUid));
        Map<String, WorkloadStatus> next = new LinkedHashMap<>();
        for (WorkloadPlan plan : plans) {
            List<ObservedContainer> own = byUid.getOrDefault(plan.uid(), List.of());
            if (plan.desired() == null) {
                // still there after the pass: its removal failed (or Docker is slow); report it until it is gone
                own.stream().findFirst().ifPresent(c -> next.put(plan.uid(),
                        StatusComposer.leftover(c, failures.current(plan.uid(), ""), revision)));
                continue;
            }
            if (next.containsKey(plan.uid())) {
                continue; // a duplicate UID in the desired state: the first one's status stands
            }
            Optional<ObservedContainer> container = own.stream()
                    .filter(c -> c.name().equals(plan.desired().name())).findFirst()
                    .or(() -> own.stream().findFirst());
            WorkloadStatus composed = StatusComposer.desired(plan, container,
                    failures.current(plan.uid(), plan.desired().attemptKey()), ledger.count(plan.uid()), revision);
            next.put(plan.uid(), pulling.containsKey(plan.uid())
                    ? StatusComposer.progress(composed, plan.workload(), Phase.Pulling, pulling.get(plan.uid()), revision)
                    : composed);
        }
        for (WorkloadStatus job : jobs) {
            next.putIfAbsent(job.getWorkload().getUid(), job);
        }
        statuses.clear();
        statuses.putAll(next);
        appliedRevision = revision;
        sink.publish(report());
    }

    /**
     * Docker cannot be read ({@code why}): keep what was last known (also about workloads no longer
     * desired: nothing says their containers are gone), and say so for workloads never seen.
     *
     * @param recordStatus a job's status from its record alone, if it has one
     */
    void dockerDown(String why, List<DesiredContainer> desired, List<JobSpec> jobs,
            Function<JobSpec, Optional<WorkloadStatus>> recordStatus, long revision) {
        for (DesiredContainer d : desired) {
            statuses.computeIfAbsent(d.uid(), uid -> WorkloadStatus.newBuilder()
                    .setWorkload(d.workload())
                    .setObservedRevision(revision)
                    .setPhase(Phase.Pending.name())
                    .setMessage("waiting for Docker: " + why)
                    .build());
        }
        for (JobSpec job : jobs) {
            // what the job's record says stands (a finished job stays finished); "waiting" only without one
            statuses.computeIfAbsent(job.getContainer().getWorkload().getUid(), uid -> recordStatus.apply(job)
                    .orElseGet(() -> WorkloadStatus.newBuilder()
                            .setWorkload(job.getContainer().getWorkload())
                            .setObservedRevision(revision)
                            .setPhase(Phase.Pending.name())
                            .setMessage("waiting for Docker: " + why)
                            .setJob(JobProgress.getDefaultInstance())
                            .build()));
        }
        sink.publish(report());
    }

    private StatusReport report() {
        return StatusReport.newBuilder()
                .setObservedRevision(appliedRevision)
                .addAllWorkloads(statuses.values().stream()
                        .sorted(Comparator.comparing(WorkloadStatus::getWorkload, REPORT_ORDER))
                        .toList())
                .build();
    }
}
