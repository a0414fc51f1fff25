package io.kdop.engine.run;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.docker.DockerObserver;
import io.kdop.engine.job.JobContainer;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.ObservedState;
import io.kdop.engine.plan.Phase;
import io.kdop.engine.plan.Planner;
import io.kdop.engine.plan.PolicyGate;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.Redactor;
import io.kdop.engine.plan.RegistryCredentials;
import io.kdop.engine.plan.Step;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.pull.BackgroundPulls;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.engine.status.RestartLedger;
import io.kdop.engine.status.StatusSink;
import io.kdop.engine.store.DesiredStates;
import io.kdop.proto.v1.DesiredState;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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

    private final DockerObserver observer;
    private final StepExecutor steps;
    private final SecretPlacement secrets;
    private final MountGuard mounts;
    private final String hostUid;
    private final DesiredStates desiredState;
    private final FailureTracker failures;
    private final JobDriver jobs;
    private final BackgroundPulls pulls;
    /** The host's policy of a desired state, which the agent enforces again (see {@link PolicyGate}). */
    private final Function<DesiredState, PolicyGate> gates;
    private final RestartLedger ledger = new RestartLedger();
    private final PassStatuses statuses;
    private final Removals removals;
    private String dockerError; // the last "cannot read Docker" logged, so it is logged once

    ReconcilePass(DockerObserver observer, StepExecutor steps, SecretPlacement secrets, MountGuard mounts,
            String hostUid, DesiredStates desiredState, StatusSink sink, FailureTracker failures,
            JobDriver jobs, BackgroundPulls pulls, Function<DesiredState, PolicyGate> gates) {
        this.gates = gates;
        this.pulls = pulls;
        this.observer = observer;
        this.steps = steps;
        this.secrets = secrets;
        this.mounts = mounts;
        this.hostUid = hostUid;
        this.desiredState = desiredState;
        this.statuses = new PassStatuses(sink);
        this.removals = new Removals(steps, secrets, failures);
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
        statuses.passBegins();
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
        Optional<DesiredState> state = desiredState.current();
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
        boolean acted = removals.removeAll(plans.stream().filter(p -> p.action() == WorkloadPlan.Action.REMOVE).toList());
        for (WorkloadPlan plan : plans) {
            if (plan.action() != WorkloadPlan.Action.REMOVE) {
                acted |= execute(plan, revision);
            }
        }
        JobDriver.Outcome jobOutcome = jobs.run(state.get(), gate, jobContainers(observed), observed,
                (uid, spec, image) -> statuses.jobPulling(uid, spec, image, revision));
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
            case REMOVE -> throw new IllegalStateException("removals run in Removals");
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
        StepExecutor.Target target = StepExecutor.Target.of(plan);
        Redactor redactor = Redactor.forSpec(d.spec());
        boolean changed = false;
        for (Step step : plan.steps()) {
            switch (step) {
                case Step.Pull pull -> {
                    StepExecutor.Pulled pulled = steps.pull(target, d.spec(), RegistryCredentials.forImage(d.spec()),
                            redactor);
                    if (pulled instanceof StepExecutor.Pulled.Pulling p) {
                        // the rest of the plan runs in the pass the pull's end wakes
                        statuses.pulling(plan, "pulling image " + pull.image() + " since " + p.since(), revision);
                    }
                    if (!(pulled instanceof StepExecutor.Pulled.Ready)) {
                        return changed;
                    }
                }
                case Step.Remove remove -> {
                    ObservedContainer c = remove.container();
                    if (!steps.remove(target, c.id(), c.name() + " (" + c.shortId() + ")", true, redactor)) {
                        return changed;
                    }
                    changed = true;
                }
                case Step.CreateAndStart create -> {
                    statuses.progress(plan, Phase.Creating, "creating container " + d.name(), revision);
                    Optional<String> id = steps.create(target, create.container(), redactor);
                    if (id.isEmpty()) {
                        return changed;
                    }
                    if (!start(plan, id.get(), redactor)) {
                        return true;
                    }
                    LOG.info("{}: container {} ({}) created and started", d.describe(), d.name(), shortId(id.get()));
                    changed = true;
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
        Optional<String> failed = steps.start(id, redactor);
        failed.ifPresent(why -> steps.fail(StepExecutor.Target.of(plan), Reason.StartFailed, "cannot start container "
                + plan.desired().name() + ": " + why));
        return failed.isEmpty();
    }


    /** Before a container is (re)created or started: its secret files must be there. */
    private boolean writeSecrets(WorkloadPlan plan) {
        try {
            secrets.sync(plan.desired().spec());
            return true;
        } catch (IOException e) {
            steps.fail(StepExecutor.Target.of(plan), Reason.SecretFilesFailed, "cannot write the secret files: " + e.getMessage());
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
            steps.fail(StepExecutor.Target.of(plan), Reason.SecretFilesFailed, "cannot write the secret files: " + e.getMessage());
        }
    }

    private void publish(List<WorkloadPlan> plans, ObservedState observed, DesiredState state, long revision) {
        statuses.passApplied(plans, withoutJobs(observed).managed(), failures, ledger,
                jobs.statuses(state, jobContainers(observed), revision), revision);
    }

    /** Docker cannot be read: the statuses say so (see {@link PassStatuses#dockerDown}). */
    private void dockerDown(RuntimeException e, List<DesiredContainer> desired, DesiredState state, long revision) {
        String why = DockerErrors.describe(e);
        if (!why.equals(dockerError)) {
            LOG.warn("cannot read Docker's containers ({}); retrying", why);
            dockerError = why;
        }
        statuses.dockerDown(why, desired, state.getJobsList(), job -> jobs.recordStatus(job, revision), revision);
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
