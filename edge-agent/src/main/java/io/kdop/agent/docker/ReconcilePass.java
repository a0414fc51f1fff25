package io.kdop.agent.docker;

import io.kdop.agent.job.JobContainer;
import io.kdop.agent.job.JobStatuses;
import io.kdop.agent.reconcile.DesiredContainer;
import io.kdop.agent.reconcile.FailureTracker;
import io.kdop.agent.reconcile.MountGuard;
import io.kdop.agent.reconcile.ObservedContainer;
import io.kdop.agent.reconcile.ObservedState;
import io.kdop.agent.reconcile.Phase;
import io.kdop.agent.reconcile.Planner;
import io.kdop.agent.reconcile.PolicyGate;
import io.kdop.agent.reconcile.PullErrors;
import io.kdop.agent.reconcile.Reason;
import io.kdop.agent.reconcile.Redactor;
import io.kdop.agent.reconcile.RegistryCredentials;
import io.kdop.agent.reconcile.RestartLedger;
import io.kdop.agent.reconcile.StatusBoard;
import io.kdop.agent.reconcile.StatusComposer;
import io.kdop.agent.reconcile.Step;
import io.kdop.agent.reconcile.WorkloadPlan;
import io.kdop.agent.store.SecretFileStore;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.JobProgress;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation pass, balena-style: read the current state from Docker, plan, apply, read
 * again, publish the status. Keeps between passes only what Docker cannot tell: failures with their
 * backoff, the agent's own restart counts, the last statuses; jobs keep theirs on disk (see
 * {@link JobDriver}). Containers of jobs are never shown to the {@link Planner}: the job code
 * drives them, after the containers' removals. Run by one thread at a time.
 */
public final class ReconcilePass {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcilePass.class);
    private static final Comparator<WorkloadRef> REPORT_ORDER = Comparator.comparing(WorkloadRef::getNamespace)
            .thenComparing(WorkloadRef::getName).thenComparing(WorkloadRef::getKind).thenComparing(WorkloadRef::getUid);

    private final DockerObserver observer;
    private final DockerExecutor executor;
    private final SecretFileStore secrets;
    private final MountGuard mounts;
    private final String hostUid;
    private final Supplier<Optional<DesiredState>> desiredState;
    private final StatusBoard board;
    private final FailureTracker failures;
    private final JobDriver jobs;
    private final BackgroundPulls pulls;
    /** The host's policy of a desired state, which the agent enforces again (see {@link PolicyGate}). */
    private final Function<DesiredState, PolicyGate> gates;
    private final RestartLedger ledger = new RestartLedger();
    /** Workloads whose image is being pulled, with what their status says meanwhile (this pass only). */
    private final Map<String, String> pulling = new LinkedHashMap<>();
    /** The statuses last published, by workload UID: kept while Docker cannot be read. */
    private final Map<String, WorkloadStatus> statuses = new LinkedHashMap<>();
    private String dockerError; // the last "cannot read Docker" logged, so it is logged once
    /**
     * The revision the last complete pass applied to Docker: what a report says it was observed
     * against. The hub takes a workload missing from a report at or after the revision that
     * dropped it as removed, so a report made mid-pass or without Docker must not claim more.
     */
    private long appliedRevision;

    ReconcilePass(DockerObserver observer, DockerExecutor executor, SecretFileStore secrets, MountGuard mounts,
            String hostUid, Supplier<Optional<DesiredState>> desiredState, StatusBoard board, FailureTracker failures,
            JobDriver jobs, BackgroundPulls pulls, Function<DesiredState, PolicyGate> gates) {
        this.gates = gates;
        this.pulls = pulls;
        this.observer = observer;
        this.executor = executor;
        this.secrets = secrets;
        this.mounts = mounts;
        this.hostUid = hostUid;
        this.desiredState = desiredState;
        this.board = board;
        this.failures = failures;
        this.jobs = jobs;
    }

    /**
     * Runs one pass.
     *
     * @return when the pass should run again: a workload waiting out a failure backoff may be
     *     retried, or a job's next attempt, deadline or TTL comes; empty if nothing waits
     */
    public Optional<Instant> run() throws InterruptedException {
        pulls.passBegins();
        pulling.clear();
        try {
            return pass();
        } finally {
            pulls.passEnds();
        }
    }

    /** The wall clock jumped by {@code jump} (see {@link WallClockWatch}). */
    void clockJumped(Duration jump) {
        jobs.clockJumped(jump);
    }

    private Optional<Instant> pass() throws InterruptedException {
        Optional<DesiredState> state = desiredState.get();
        if (state.isEmpty()) {
            return Optional.empty(); // no snapshot ever received: nothing is known to be undesired either
        }
        long revision = state.get().getRevision();
        List<DesiredContainer> desired = state.get().getContainersList().stream()
                .map(spec -> DesiredContainer.of(spec, hostUid, secrets.layout(), mounts))
                .toList();
        ObservedState observed;
        try {
            observed = observe(desired, state.get());
        } catch (RuntimeException e) {
            dockerDown(e, desired, state.get(), revision);
            return Optional.empty();
        }
        PolicyGate gate = gates.apply(state.get());
        List<WorkloadPlan> plans = gate.screen(Planner.plan(desired, withoutJobs(observed),
                Set.copyOf(state.get().getRetainedWorkloadUidsList())));
        plans.stream().filter(p -> p.current() != null).forEach(p -> ledger.sawContainer(p.uid()));
        // Removals first, all at once: each may wait out a graceful stop, and none depends on another.
        boolean acted = removeAll(plans.stream().filter(p -> p.action() == WorkloadPlan.Action.REMOVE).toList());
        for (WorkloadPlan plan : plans) {
            if (plan.action() != WorkloadPlan.Action.REMOVE) {
                acted |= execute(plan, revision);
            }
        }
        JobDriver.Outcome jobOutcome = jobs.run(state.get(), gate, jobContainers(observed), observed,
                (uid, spec, image) -> {
                    statuses.put(uid, JobStatuses.pulling(statuses.get(uid), spec, image, revision));
                    board.publish(report());
                });
        acted |= jobOutcome.changedDocker();
        if (acted) {
            try {
                observed = observe(desired, state.get());
            } catch (RuntimeException e) {
                dockerDown(e, desired, state.get(), revision);
                return earliest(failures.nextRetry(), jobOutcome.wakeAt());
            }
        }
        publish(plans, observed, state.get(), revision);
        cleanUp(desired, observed, state.get());
        return earliest(failures.nextRetry(), jobOutcome.wakeAt());
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.filter(t -> t.isBefore(a.get())).or(() -> a);
    }

    /** What the Planner sees: a job's containers would look like containers of no desired workload to it. */
    private static ObservedState withoutJobs(ObservedState observed) {
        return new ObservedState(observed.managed().stream().filter(c -> !JobContainer.isJob(c)).toList(),
                observed.nameHolders(), observed.presentImages(), observed.imageDefaults());
    }

    private static List<JobContainer> jobContainers(ObservedState observed) {
        return observed.managed().stream().filter(JobContainer::isJob).map(JobContainer::of).toList();
    }

    private ObservedState observe(List<DesiredContainer> desired, DesiredState state) {
        Set<String> names = desired.stream().map(DesiredContainer::name).collect(Collectors.toCollection(HashSet::new));
        names.addAll(jobs.wantedNames(state));
        Set<String> images = desired.stream().map(d -> d.config().image())
                .collect(Collectors.toCollection(HashSet::new));
        images.addAll(jobs.wantedImages(state));
        ObservedState observed = observer.observe(names, images);
        if (dockerError != null) {
            LOG.info("Docker answers again; reconciling");
            dockerError = null;
        }
        return observed;
    }

    /** @return true when Docker was changed (or may have been) */
    private boolean execute(WorkloadPlan plan, long revision) throws InterruptedException {
        return switch (plan.action()) {
            case NONE -> {
                keepSecretsCurrent(plan);
                yield !plan.steps().isEmpty() && runSteps(plan, revision);
            }
            case CONFLICT, IMAGE_MISSING -> {
                failures.succeeded(plan.uid()); // the plan itself says what is wrong, every pass anew
                yield false;
            }
            // never acted on (and a duplicate UID must not clear the first's failure)
            case INVALID, HOST_PATH_REFUSED, DENIED -> false;
            case REMOVE -> throw new IllegalStateException("removals run in removeAll");
            case CREATE, RECREATE, START -> {
                if (failures.backingOff(plan.uid(), plan.desired().attemptKey())) {
                    yield false;
                }
                if (!writeSecrets(plan)) {
                    yield false;
                }
                logIntent(plan);
                yield runSteps(plan, revision);
            }
        };
    }

    private void logIntent(WorkloadPlan plan) {
        DesiredContainer d = plan.desired();
        switch (plan.action()) {
            case CREATE -> LOG.info("{}: creating container {} from {} ({})", d.describe(), d.name(), d.config().image(),
                    plan.detail());
            case RECREATE -> LOG.info("{}: re-creating container {} ({}): it {}", d.describe(), d.name(),
                    plan.current().shortId(), plan.detail());
            case START -> LOG.info("{}: starting container {} ({}): {}", d.describe(), d.name(),
                    plan.current().shortId(), plan.detail());
            default -> {
                // nothing worth a line
            }
        }
    }

    /** Runs a plan's steps in order; stops at the first failure, which is recorded for the status and the backoff. */
    private boolean runSteps(WorkloadPlan plan, long revision) throws InterruptedException {
        DesiredContainer d = plan.desired();
        Redactor redactor = Redactor.forSpec(d.spec());
        boolean changed = false;
        for (Step step : plan.steps()) {
            switch (step) {
                case Step.Pull pull -> {
                    switch (pulls.request(pull.image(), RegistryCredentials.forImage(d.spec()))) {
                        case BackgroundPulls.State.InProgress p -> {
                            // the rest of the plan runs in the pass the pull's end wakes
                            String message = "pulling image " + pull.image() + " since " + p.since();
                            pulling.put(plan.uid(), message);
                            progress(plan, Phase.Pulling, message, revision);
                            return changed;
                        }
                        case BackgroundPulls.State.Done done -> {
                            // pulled: on to the container
                        }
                        case BackgroundPulls.State.Failed failed -> {
                            String why = redactor.clean(DockerErrors.describe(failed.error()));
                            if (!bridgeWithLocalImage(d, why)) {
                                fail(plan, Reason.ImagePullFailed, "cannot pull image " + pull.image() + ": " + why);
                                return changed;
                            }
                        }
                    }
                }
                case Step.Remove remove -> {
                    try {
                        executor.stopAndRemove(remove.container().id());
                        changed = true;
                    } catch (RuntimeException e) {
                        fail(plan, Reason.RemoveFailed, "cannot remove container " + remove.container().name()
                                + " (" + remove.container().shortId() + "): " + redactor.clean(DockerErrors.describe(e)));
                        return changed;
                    }
                }
                case Step.CreateAndStart create -> {
                    progress(plan, Phase.Creating, "creating container " + d.name(), revision);
                    String id;
                    try {
                        id = executor.create(create.container());
                        changed = true;
                    } catch (RuntimeException e) {
                        fail(plan, Reason.CreateFailed, "cannot create container " + d.name() + ": "
                                + redactor.clean(DockerErrors.describe(e)));
                        return changed;
                    }
                    if (!start(plan, id, redactor)) {
                        return true;
                    }
                    LOG.info("{}: container {} ({}) created and started", d.describe(), d.name(), shortId(id));
                }
                case Step.Start start -> {
                    changed = true;
                    if (!start(plan, start.container().id(), redactor)) {
                        return true;
                    }
                }
            }
        }
        failures.succeeded(plan.uid());
        ledger.record(plan);
        return changed;
    }

    private boolean start(WorkloadPlan plan, String id, Redactor redactor) {
        try {
            executor.start(id);
            return true;
        } catch (RuntimeException e) {
            fail(plan, Reason.StartFailed, "cannot start container " + plan.desired().name() + ": "
                    + redactor.clean(DockerErrors.describe(e)));
            return false;
        }
    }

    /**
     * Pull policy Always with the registry out of reach and the image on the host: run the image
     * the host has, as an edge box without uplink must; a registry that refused is never bridged.
     */
    private boolean bridgeWithLocalImage(DesiredContainer d, String why) {
        boolean bridge = d.spec().getPullPolicy() == PullPolicy.PULL_ALWAYS && PullErrors.registryUnreachable(why)
                && observer.imagePresent(d.config().image());
        if (bridge) {
            LOG.warn("{}: cannot reach the registry of {} ({}); using the image on the host", d.describe(),
                    d.config().image(), why);
        }
        return bridge;
    }

    private void fail(WorkloadPlan plan, Reason reason, String message) {
        String key = plan.desired() == null ? "" : plan.desired().attemptKey();
        FailureTracker.Failure f = failures.failed(plan.uid(), key, reason, message);
        String who = plan.desired() != null ? plan.desired().describe()
                : plan.workload().getKind() + " " + plan.workload().getNamespace() + "/" + plan.workload().getName();
        LOG.warn("{}: {} (attempt {}; next at {})", who, message, f.attempts(), f.retryAt());
    }

    /**
     * Stops and removes the containers of every undesired workload concurrently (Docker calls on
     * virtual threads), then records the outcomes here, on the pass's thread.
     */
    private boolean removeAll(List<WorkloadPlan> removals) throws InterruptedException {
        if (removals.isEmpty()) {
            return false;
        }
        Map<WorkloadPlan, java.util.concurrent.Future<RuntimeException>> outcomes = new java.util.LinkedHashMap<>();
        try (var workers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (WorkloadPlan plan : removals) {
                outcomes.put(plan, workers.submit(() -> stopAndRemoveAll(plan)));
            }
        }
        boolean changed = false;
        for (var outcome : outcomes.entrySet()) {
            try {
                changed |= remove(outcome.getKey(), outcome.getValue().get());
            } catch (java.util.concurrent.ExecutionException e) {
                changed |= remove(outcome.getKey(), new IllegalStateException(e.getCause()));
            }
        }
        return changed;
    }

    /** @return the failure that stopped the removal, or null when every container is gone */
    private RuntimeException stopAndRemoveAll(WorkloadPlan plan) {
        for (Step step : plan.steps()) {
            try {
                executor.stopAndRemove(((Step.Remove) step).container().id());
            } catch (RuntimeException e) {
                return e;
            }
        }
        return null;
    }

    private boolean remove(WorkloadPlan plan, RuntimeException failure) {
        boolean changed = false;
        for (Step step : plan.steps()) {
            ObservedContainer c = ((Step.Remove) step).container();
            if (failure != null) {
                fail(plan, Reason.RemoveFailed, "cannot remove the containers of this workload: "
                        + DockerErrors.describe(failure));
                return true; // some may be gone: look again
            }
            changed = true;
            LOG.info("removed container {} ({}) of {} {}/{}: no longer desired", c.name(), c.shortId(),
                    plan.workload().getKind(), plan.workload().getNamespace(), plan.workload().getName());
        }
        failures.succeeded(plan.uid());
        try {
            secrets.remove(plan.uid());
        } catch (IOException e) {
            LOG.warn("cannot delete the secret files of removed workload {}: {}", plan.uid(), e.getMessage());
        }
        return changed;
    }

    /** Before a container is (re)created or started: its secret files must be there. */
    private boolean writeSecrets(WorkloadPlan plan) {
        try {
            secrets.sync(plan.desired().spec());
            return true;
        } catch (IOException e) {
            fail(plan, Reason.SecretFilesFailed, "cannot write the secret files: " + e.getMessage());
            return false;
        }
    }

    /** A running container sees a rotated Secret through its bind-mounted directory, without a restart. */
    private void keepSecretsCurrent(WorkloadPlan plan) {
        try {
            int changes = secrets.sync(plan.desired().spec());
            if (changes > 0) {
                LOG.info("{}: updated {} secret file(s) in place", plan.desired().describe(), changes);
            }
            failures.succeeded(plan.uid());
        } catch (IOException e) {
            fail(plan, Reason.SecretFilesFailed, "cannot write the secret files: " + e.getMessage());
        }
    }

    private void progress(WorkloadPlan plan, Phase phase, String message, long revision) {
        statuses.put(plan.uid(), StatusComposer.progress(statuses.get(plan.uid()), plan.workload(), phase, message,
                revision));
        board.publish(report());
    }

    private void publish(List<WorkloadPlan> plans, ObservedState observed, DesiredState state, long revision) {
        Map<String, List<ObservedContainer>> byUid = withoutJobs(observed).managed().stream()
                .collect(Collectors.groupingBy(ObservedContainer::workloadUid));
        Map<String, WorkloadStatus> next = new LinkedHashMap<>();
        for (WorkloadPlan plan : plans) {
            List<ObservedContainer> containers = byUid.getOrDefault(plan.uid(), List.of());
            if (plan.desired() == null) {
                // still there after the pass: its removal failed (or Docker is slow); report it until it is gone
                containers.stream().findFirst().ifPresent(c -> next.put(plan.uid(),
                        StatusComposer.leftover(c, failures.current(plan.uid(), ""), revision)));
                continue;
            }
            if (next.containsKey(plan.uid())) {
                continue; // a duplicate UID in the desired state: the first one's status stands
            }
            Optional<ObservedContainer> container = containers.stream()
                    .filter(c -> c.name().equals(plan.desired().name())).findFirst()
                    .or(() -> containers.stream().findFirst());
            WorkloadStatus composed = StatusComposer.desired(plan, container,
                    failures.current(plan.uid(), plan.desired().attemptKey()), ledger.count(plan.uid()), revision);
            next.put(plan.uid(), pulling.containsKey(plan.uid())
                    ? StatusComposer.progress(composed, plan.workload(), Phase.Pulling, pulling.get(plan.uid()), revision)
                    : composed);
        }
        for (WorkloadStatus job : jobs.statuses(state, jobContainers(observed), revision)) {
            next.putIfAbsent(job.getWorkload().getUid(), job); // a uid both a container and a job: the container's
        }
        statuses.clear();
        statuses.putAll(next);
        appliedRevision = revision;
        board.publish(report());
    }

    /**
     * Docker cannot be read: keep what was last known (also about workloads no longer desired:
     * nothing says their containers are gone), and say so for workloads never seen.
     */
    private void dockerDown(RuntimeException e, List<DesiredContainer> desired, DesiredState state, long revision) {
        String why = DockerErrors.describe(e);
        if (!why.equals(dockerError)) {
            LOG.warn("cannot read Docker's containers ({}); retrying", why);
            dockerError = why;
        }
        for (DesiredContainer d : desired) {
            statuses.computeIfAbsent(d.uid(), uid -> WorkloadStatus.newBuilder()
                    .setWorkload(d.workload())
                    .setObservedRevision(revision)
                    .setPhase(Phase.Pending.name())
                    .setMessage("waiting for Docker: " + why)
                    .build());
        }
        for (JobSpec job : state.getJobsList()) {
            // what the job's record says stands (a finished job stays finished); "waiting" only without one
            statuses.computeIfAbsent(job.getContainer().getWorkload().getUid(), uid -> jobs.recordStatus(job, revision)
                    .orElseGet(() -> WorkloadStatus.newBuilder()
                            .setWorkload(job.getContainer().getWorkload())
                            .setObservedRevision(revision)
                            .setPhase(Phase.Pending.name())
                            .setMessage("waiting for Docker: " + why)
                            .setJob(JobProgress.getDefaultInstance())
                            .build()));
        }
        board.publish(report());
    }

    private StatusReport report() {
        return StatusReport.newBuilder()
                .setObservedRevision(appliedRevision)
                .addAllWorkloads(statuses.values().stream()
                        .sorted(Comparator.comparing(WorkloadStatus::getWorkload, REPORT_ORDER))
                        .toList())
                .build();
    }

    private void cleanUp(List<DesiredContainer> desired, ObservedState observed, DesiredState state) {
        Set<String> desiredUids = desired.stream().map(DesiredContainer::uid).collect(Collectors.toSet());
        Set<String> present = observed.managed().stream().map(ObservedContainer::workloadUid).collect(Collectors.toSet());
        Set<String> keep = new HashSet<>(desiredUids);
        keep.addAll(present);
        keep.addAll(jobs.knownUids(state)); // a job's secret files stay as long as its record: a retry needs them
        failures.retainOnly(keep);
        ledger.retainOnly(desiredUids);
        try {
            secrets.retainOnly(keep);
        } catch (IOException e) {
            LOG.warn("cannot clean up secret files: {}", e.getMessage());
        }
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
