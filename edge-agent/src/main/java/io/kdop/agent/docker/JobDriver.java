package io.kdop.agent.docker;

import io.kdop.agent.job.JobAction;
import io.kdop.agent.job.JobAction.Hold;
import io.kdop.agent.job.JobContainer;
import io.kdop.agent.job.JobInput;
import io.kdop.agent.job.JobRecord;
import io.kdop.agent.job.JobRules;
import io.kdop.agent.job.JobStatuses;
import io.kdop.agent.job.OutputTail;
import io.kdop.agent.reconcile.FailureTracker;
import io.kdop.agent.reconcile.ObservedState;
import io.kdop.agent.reconcile.PolicyGate;
import io.kdop.agent.reconcile.PullErrors;
import io.kdop.agent.reconcile.Reason;
import io.kdop.agent.reconcile.Redactor;
import io.kdop.agent.store.JobRecordStore;
import io.kdop.agent.store.SecretFileStore;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.WorkloadStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the host's jobs within a reconcile pass: asks {@link JobRules} for each job's next step,
 * carries it out with Docker, persists the record it leads to in the {@link JobRecordStore}, and
 * asks again, until the job waits. Runs on the pass's thread only.
 */
final class JobDriver {

    private static final Logger LOG = LoggerFactory.getLogger(JobDriver.class);
    /** A job settles in a few steps (begin, start; or end, back off); more means something keeps undoing them. */
    private static final int MAX_STEPS = 8;
    /** When a job did not settle within a pass: look again after this, not at once. */
    private static final Duration UNSETTLED_RETRY = Duration.ofSeconds(1);

    private final DockerObserver observer;
    private final DockerExecutor executor;
    private final SecretFileStore secrets;
    private final JobRecordStore records;
    private final FailureTracker failures;
    private final JobRules rules;
    private final Clock clock;
    private final DaemonProbe daemon;
    private final DockerOutages outages;
    private final BackgroundPulls pulls;
    /** Why a job could not go on in the last pass (for its status), by uid. */
    private final Map<String, Hold> holds = new HashMap<>();
    /** The hold last logged per job, so a job held for minutes says so once, not every pass. */
    private final Map<String, Hold> loggedHolds = new HashMap<>();
    /** Jobs whose image is being pulled in this pass, with the image: their status says so. */
    private final Map<String, String> pulling = new HashMap<>();

    /** Progress reported while a step takes long (a pull), before the pass publishes. */
    @FunctionalInterface
    interface Progress {
        void pulling(String uid, JobSpec spec, String image);
    }

    /**
     * What a run did.
     *
     * @param changedDocker containers were (or may have been) created, started, killed or removed
     * @param wakeAt the earliest time a job waits for: a next attempt, a deadline, a TTL
     */
    record Outcome(boolean changedDocker, Optional<Instant> wakeAt) {}

    /** What one step did: whether Docker changed, and whether to decide the job's next step now. */
    private record Applied(boolean changedDocker, boolean goOn) {}

    JobDriver(DockerObserver observer, DockerExecutor executor, SecretFileStore secrets, JobRecordStore records,
            FailureTracker failures, JobRules rules, DaemonProbe daemon, DockerOutages outages, BackgroundPulls pulls,
            Clock clock) {
        this.daemon = daemon;
        this.outages = outages;
        this.pulls = pulls;
        this.observer = observer;
        this.executor = executor;
        this.secrets = secrets;
        this.records = records;
        this.failures = failures;
        this.rules = rules;
        this.clock = clock;
    }

    /** The container names the desired jobs want (so the observer reports who else holds them). */
    Set<String> wantedNames(DesiredState state) {
        return state.getJobsList().stream().map(j -> j.getContainer().getContainerName()).collect(Collectors.toSet());
    }

    /** The images the next attempts may need: of the desired specs and of the specs unfinished jobs started with. */
    Set<String> wantedImages(DesiredState state) {
        Set<String> images = new HashSet<>();
        state.getJobsList().forEach(j -> images.add(j.getContainer().getImage()));
        records.all().values().stream().filter(r -> !r.finished())
                .forEach(r -> images.add(r.spec().getContainer().getImage()));
        images.remove(""); // a job the hub knows as begun comes without its spec
        return images;
    }

    /** Every job uid the agent keeps something for: desired, recorded, or recorded unreadable. */
    Set<String> knownUids(DesiredState state) {
        Set<String> uids = new HashSet<>(records.all().keySet());
        uids.addAll(records.unreadable());
        state.getJobsList().forEach(j -> uids.add(j.getContainer().getWorkload().getUid()));
        return uids;
    }

    /**
     * Drives every job: the desired ones, those the agent has a record of, and those with a
     * container on the host.
     *
     * @param observed the job containers of this pass's observation
     * @param view this pass's observation (present images, names held by other containers)
     */
    Outcome run(DesiredState state, PolicyGate gate, List<JobContainer> observed, ObservedState view,
            Progress progress) throws InterruptedException {
        holds.clear();
        pulling.clear();
        Map<String, JobSpec> desired = desiredByUid(state);
        Set<String> retained = Set.copyOf(state.getRetainedWorkloadUidsList());
        Map<String, List<JobContainer>> byUid = observed.stream()
                .collect(Collectors.groupingBy(JobContainer::uid, LinkedHashMap::new, Collectors.toList()));
        Set<String> known = new TreeSet<>(records.all().keySet());
        known.addAll(records.unreadable());
        known.addAll(byUid.keySet());
        // jobs no longer wanted go first: a container name they free may be one a desired job needs
        Set<String> uids = new LinkedHashSet<>();
        known.stream().filter(uid -> !desired.containsKey(uid) && !retained.contains(uid)).forEach(uids::add);
        uids.addAll(desired.keySet());
        uids.addAll(known);
        boolean changed = false;
        Optional<Instant> wake = Optional.empty();
        for (String uid : uids) {
            List<Instant> wakes = new ArrayList<>();
            changed |= drive(uid, desired.get(uid), retained.contains(uid), byUid.getOrDefault(uid, List.of()), view,
                    gate, progress, wakes);
            for (Instant at : wakes) {
                wake = wake.filter(w -> !at.isBefore(w)).or(() -> Optional.of(at));
            }
        }
        return new Outcome(changed, wake);
    }

    /** The wall clock jumped: unfinished jobs' deadlines and next attempts move with it (see {@link WallClockWatch}). */
    void clockJumped(Duration jump) {
        for (JobRecord r : records.all().values()) {
            JobRecord shifted = r.shifted(jump);
            if (!shifted.equals(r) && persist(shifted)) {
                LOG.warn("{}: the wall clock jumped by {}; its deadline and next attempt move with it", describe(r),
                        jump);
            }
        }
    }

    /** The statuses of the jobs after the pass, from their records and the containers observed after it. */
    List<WorkloadStatus> statuses(DesiredState state, List<JobContainer> observed, long revision) {
        Map<String, JobSpec> desired = desiredByUid(state);
        Set<String> retained = Set.copyOf(state.getRetainedWorkloadUidsList());
        Map<String, List<JobContainer>> byUid = observed.stream()
                .collect(Collectors.groupingBy(JobContainer::uid, LinkedHashMap::new, Collectors.toList()));
        List<WorkloadStatus> statuses = new ArrayList<>();
        Set<String> uids = new LinkedHashSet<>(desired.keySet());
        uids.addAll(records.all().keySet());
        uids.addAll(byUid.keySet());
        for (String uid : uids) {
            List<JobContainer> containers = byUid.getOrDefault(uid, List.of());
            JobRecord record = records.get(uid).orElse(null);
            if (desired.containsKey(uid) || retained.contains(uid) && record != null) {
                WorkloadStatus status = JobStatuses.of(desired.get(uid), record, JobRules.current(record, containers),
                        true, failures.last(uid), holds.get(uid), revision);
                statuses.add(pulling.containsKey(uid) && desired.containsKey(uid)
                        ? JobStatuses.pulling(status, desired.get(uid), pulling.get(uid), revision) : status);
            } else if (!desired.containsKey(uid) && !retained.contains(uid) && !containers.isEmpty()) {
                // no longer desired and its container is still there: its removal failed or is under way
                statuses.add(JobStatuses.leftover(containers.getFirst(), failures.last(uid), revision));
            }
        }
        return statuses;
    }

    /** A desired job's status from its record alone, for when Docker cannot be read. */
    Optional<WorkloadStatus> recordStatus(JobSpec desired, long revision) {
        String uid = desired.getContainer().getWorkload().getUid();
        return records.get(uid).map(r -> JobStatuses.of(desired, r, Optional.empty(), false, failures.last(uid),
                holds.get(uid), revision));
    }

    /** Steps one job until it waits; @return true when Docker was changed */
    private boolean drive(String uid, JobSpec desired, boolean retained, List<JobContainer> observed, ObservedState view,
            PolicyGate gate, Progress progress, List<Instant> wakes) throws InterruptedException {
        boolean changed = false;
        List<JobContainer> containers = observed;
        for (int n = 0; n < MAX_STEPS; n++) {
            Instant now = clock.instant();
            JobInput in = new JobInput(uid, desired, retained, records.get(uid).orElse(null), records.unreadable(uid),
                    containers, failures.last(uid), view.presentImages(), view.nameHolders(), now, gate);
            String step = "deciding";
            try {
                JobAction action = rules.decide(in);
                if (action instanceof JobAction.Wait wait) {
                    if (wait.hold() != null) {
                        holds.put(uid, wait.hold());
                        if (!wait.hold().equals(loggedHolds.put(uid, wait.hold()))) {
                            LOG.warn("{}: cannot start: {}", who(uid), wait.hold().message());
                        }
                    } else {
                        loggedHolds.remove(uid);
                    }
                    if (wait.wakeAt() != null && wait.wakeAt().isAfter(now)) {
                        wakes.add(wait.wakeAt());
                    }
                    return changed;
                }
                loggedHolds.remove(uid);
                step = action.getClass().getSimpleName();
                Applied applied = apply(uid, in, action, progress);
                changed |= applied.changedDocker();
                if (!applied.goOn()) {
                    if (action instanceof JobAction.StartAttempt s) {
                        // held up (a pull under way, say): the deadline is still kept on time
                        s.starting().deadline().filter(d -> d.isAfter(now)).ifPresent(wakes::add);
                    }
                    return changed;
                }
                if (applied.changedDocker()) {
                    containers = jobContainers(uid);
                }
            } catch (RuntimeException e) {
                // e.g. Docker went away mid-step: the record says how far it got, the next pass goes on from there
                String why = stepFailure(in, e);
                LOG.warn("{}: {} failed: {}", who(uid), step, why);
                if (LOG.isDebugEnabled()) {
                    // where it failed, but not in the exception's own words: they may echo the request's secrets
                    RuntimeException where = new RuntimeException(e.getClass().getName() + ": " + why);
                    where.setStackTrace(e.getStackTrace());
                    LOG.debug("job step failed", where);
                }
                return true;
            }
        }
        LOG.warn("{}: not settled after {} steps; going on shortly", who(uid), MAX_STEPS);
        wakes.add(clock.instant().plus(UNSETTLED_RETRY));
        return changed;
    }

    /**
     * Why a step failed, fit for a log line: Docker echoes parts of a request in some errors, so the
     * secrets of both specs the step may have used (the desired one, the one the job began with) come out.
     */
    static String stepFailure(JobInput in, RuntimeException e) {
        List<ContainerSpec> specs = new ArrayList<>();
        Optional.ofNullable(in.desired()).ifPresent(d -> specs.add(d.getContainer()));
        Optional.ofNullable(in.record()).ifPresent(r -> specs.add(r.spec().getContainer()));
        return Redactor.forSpecs(specs).clean(DockerErrors.describe(e));
    }

    private Applied apply(String uid, JobInput in, JobAction action, Progress progress)
            throws InterruptedException {
        return switch (action) {
            case JobAction.Wait w -> throw new IllegalStateException("a wait is not applied");
            case JobAction.Save save -> {
                boolean saved = persist(save.record());
                if (saved) {
                    LOG.info("{}: {}", describe(save.record()), save.why());
                }
                yield new Applied(false, saved);
            }
            case JobAction.StartAttempt start -> start(uid, start, progress);
            case JobAction.Adopt adopt -> adopt(adopt);
            case JobAction.EndAttempt end -> end(in.record(), end.container(), end.forgivable());
            case JobAction.Expire expire -> expire(uid, in.record(), expire.container());
            case JobAction.RemoveContainers remove -> {
                for (JobContainer c : remove.containers()) {
                    if (!removeContainer(uid, c, remove.why())) {
                        yield new Applied(true, false);
                    }
                }
                yield new Applied(!remove.containers().isEmpty(), remove.after() == null || persist(remove.after()));
            }
            case JobAction.Forget forget -> {
                forget(uid, forget.containers());
                yield new Applied(!forget.containers().isEmpty(), false); // gone, or retried in the next pass
            }
        };
    }

    private Applied start(String uid, JobAction.StartAttempt a, Progress progress)
            throws InterruptedException {
        JobRecord r = a.starting();
        ContainerSpec spec = r.spec().getContainer();
        Redactor redactor = Redactor.forSpec(spec);
        if (a.pull()) {
            switch (pulls.request(a.image(), a.credential())) {
                case BackgroundPulls.State.InProgress p -> {
                    pulling.put(uid, a.image() + " since " + p.since());
                    progress.pulling(uid, r.spec(), a.image() + " since " + p.since());
                    return new Applied(false, false); // not an attempt yet; the pull's end wakes the loop
                }
                case BackgroundPulls.State.Done done -> {
                    // pulled: on to the attempt
                }
                case BackgroundPulls.State.Failed failed -> {
                    String why = redactor.clean(DockerErrors.describe(failed.error()));
                    if (!bridgeWithLocalImage(r, spec, why)) {
                        fail(uid, a.attemptKey(), Reason.ImagePullFailed, "cannot pull image " + a.image() + ": " + why);
                        return new Applied(false, false); // not an attempt: nothing is recorded
                    }
                }
            }
            if (r.deadline().filter(d -> !clock.instant().isBefore(d)).isPresent()) {
                return new Applied(false, true); // the pull outlasted the deadline: the rules expire the job, unstarted
            }
        }
        try {
            secrets.sync(spec);
        } catch (IOException e) {
            fail(uid, a.attemptKey(), Reason.SecretFilesFailed, "cannot write the secret files: " + e.getMessage());
            return new Applied(false, false);
        }
        if (!daemon.acceptsConnections()) {
            // stopping: it would kill the attempt (or fail its start) on a connection it still serves
            LOG.info("{}: Docker refuses new connections (stopping or restarting); attempt {} waits for it",
                    describe(r), r.attempts());
            return new Applied(false, false);
        }
        if (!persist(r)) {
            return new Applied(false, false); // write-ahead: no record, no container
        }
        boolean changed = false;
        for (JobContainer old : a.removeFirst()) {
            if (!removeContainer(uid, old, "making way for attempt " + r.attempts())) {
                return new Applied(true, false);
            }
            changed = true;
        }
        String id;
        if (a.reuse() != null) {
            id = a.reuse().id();
        } else {
            try {
                id = executor.create(a.fresh());
                changed = true;
            } catch (RuntimeException e) {
                // nothing ran: the attempt stays recorded as starting and is tried again, not counted again
                fail(uid, a.attemptKey(), Reason.CreateFailed, "cannot create container " + a.fresh().name() + ": "
                        + redactor.clean(DockerErrors.describe(e)));
                return new Applied(changed, false);
            }
        }
        try {
            executor.start(id);
        } catch (RuntimeException e) {
            return startFailed(uid, r, id, redactor.clean(DockerErrors.describe(e)));
        }
        failures.succeeded(uid);
        LOG.info("{}: attempt {} of {} started in container {} ({}{})", describe(r), r.attempts(), r.maxAttempts(),
                spec.getContainerName(), shortId(id), a.reuse() != null ? ", the failed one started again" : "");
        // if this write is lost, the next pass finds the container by its attempt label (or new StartedAt) and adopts it
        return new Applied(true, persist(r.running(id)));
    }

    private Applied adopt(JobAction.Adopt a) {
        JobRecord r = a.running();
        if (a.start() && !daemon.acceptsConnections()) {
            return new Applied(false, false); // as for a fresh attempt: not into a stopping daemon
        }
        if (a.start()) {
            try {
                executor.start(a.container().id());
            } catch (RuntimeException e) {
                return startFailed(r.uid(), r, a.container().id(),
                        Redactor.forSpec(r.spec().getContainer()).clean(DockerErrors.describe(e)));
            }
        }
        LOG.info("{}: attempt {} of {} found in container {} ({}); {}", describe(r), r.attempts(), r.maxAttempts(),
                a.container().name(), a.container().shortId(), a.start() ? "started it" : "tracking it, not starting another");
        return new Applied(a.start(), persist(r));
    }

    /**
     * A container that cannot be started is a failed attempt: starting it again would fail the
     * same way. But an error from {@code docker start} does not prove that: a call cut off (a
     * timeout, dockerd restarting) may have started it, so Docker is asked again first.
     */
    private Applied startFailed(String uid, JobRecord r, String id, String why) {
        // throws while Docker cannot be read: the record stays as it was and the next pass decides
        Optional<JobContainer> after = jobContainers(uid).stream().filter(c -> c.id().equals(id)).findFirst();
        if (after.filter(c -> c.everStarted() && !c.state().startedAt().equals(r.previousStartedAt())).isPresent()) {
            LOG.warn("{}: starting container {} reported an error ({}), but Docker shows it started: tracking it as "
                    + "attempt {}", describe(r), shortId(id), why, r.attempts());
            return new Applied(true, persist(r.running(id)));
        }
        if (!daemon.acceptsConnections()) {
            // the daemon began to stop under the start: not the attempt's failure; the record still
            // says starting, so the container is adopted and started once Docker is back
            LOG.warn("{}: starting container {} failed while Docker stops ({}); attempt {} goes on when it is back",
                    describe(r), shortId(id), why, r.attempts());
            return new Applied(true, false);
        }
        int exitCode = after.map(c -> c.state().exitCode()).orElse(0);
        JobRecord next = rules.startFailed(r.running(id), exitCode, why, clock.instant());
        LOG.warn("{}: {}", describe(next), headline(next.message()));
        return new Applied(true, persist(next));
    }

    private Applied end(JobRecord r, JobContainer c, boolean forgivable) throws InterruptedException {
        // asked first: the daemon serves no new connection from before it kills containers until it
        // is back; a pass that came too late has the event stream's outage to go by
        boolean interrupted = forgivable && (!daemon.acceptsConnections()
                || outages.covers(JobRules.finishedAt(c, clock.instant())));
        String tail = c == null ? "" : tail(r, c.id());
        JobRecord next = interrupted
                ? rules.attemptInterrupted(r, c, tail, clock.instant())
                : rules.attemptEnded(r, c, tail, clock.instant());
        if (next.state() == JobRecord.State.FAILED) {
            LOG.warn("{}: failed: {}", describe(next), headline(next.message()));
        } else {
            LOG.info("{}: {}", describe(next), headline(next.message()));
        }
        return new Applied(false, persist(next));
    }

    private Applied expire(String uid, JobRecord r, JobContainer c) throws InterruptedException {
        JobContainer killed = null;
        String tail = null;
        boolean changed = false;
        if (c != null) {
            if (!c.ended()) {
                try {
                    executor.kill(c.id());
                    changed = true;
                } catch (RuntimeException e) {
                    fail(uid, "", Reason.RemoveFailed, "cannot kill container " + c.name() + " (" + c.shortId()
                            + ") past the active deadline: " + DockerErrors.describe(e));
                    return new Applied(true, false);
                }
            }
            killed = jobContainers(uid).stream().filter(o -> o.id().equals(c.id())).findFirst().orElse(c);
            tail = tail(r, c.id());
        }
        JobRecord next = JobRules.deadlineExceeded(r, killed, tail, clock.instant());
        LOG.warn("{}: failed: {}", describe(next), headline(next.message()));
        return new Applied(changed, persist(next));
    }

    /** Removes the containers first: the record goes only once nothing of the job is left to drive. */
    private void forget(String uid, List<JobContainer> containers) {
        String who = who(uid);
        for (JobContainer c : containers) {
            if (!removeContainer(uid, c, "the job is no longer desired")) {
                return;
            }
        }
        try {
            records.delete(uid);
        } catch (IOException e) {
            LOG.warn("{}: cannot delete its record: {}", who(uid), e.getMessage());
            return;
        }
        try {
            secrets.remove(uid);
        } catch (IOException e) {
            LOG.warn("{}: cannot delete its secret files: {}", who, e.getMessage());
        }
        failures.succeeded(uid);
        LOG.info("{} is no longer desired: its container(s), record and secret files are removed", who);
    }

    private boolean removeContainer(String uid, JobContainer c, String why) {
        try {
            executor.remove(c.id());
            LOG.info("DockerJob {}/{}: removed container {} ({}): {}", c.workload().getNamespace(),
                    c.workload().getName(), c.name(), c.shortId(), why);
            return true;
        } catch (RuntimeException e) {
            fail(uid, "", Reason.RemoveFailed, "cannot remove container " + c.name() + " (" + c.shortId() + "): "
                    + DockerErrors.describe(e));
            return false;
        }
    }

    /** Persists a record; a record that cannot be written stops the job's steps (its status says why). */
    private boolean persist(JobRecord r) {
        try {
            records.save(r);
            return true;
        } catch (IOException e) {
            LOG.error("{}: cannot write its record: {}", describe(r), e.getMessage());
            fail(r.uid(), "", Reason.JobRecordWriteFailed, "cannot write the job's record: " + e.getMessage());
            return false;
        }
    }

    private void fail(String uid, String attemptKey, Reason reason, String message) {
        FailureTracker.Failure f = failures.failed(uid, attemptKey, reason, message);
        LOG.warn("{}: {} (failed {} time(s); next try at {})", who(uid), message, f.attempts(), f.retryAt());
    }

    /** The redacted output tail of a container, or why it cannot be read. */
    private String tail(JobRecord r, String containerId) throws InterruptedException {
        if (r.spec().getStarted()) {
            // adopted from what only identifies the job: its secret values are unknown here, so
            // nothing could be redacted; the output stays on the host
            return "(not shown: this agent lost its record of the job, so it cannot tell which values to redact; "
                    + "see docker logs " + shortId(containerId) + " on the host)";
        }
        Redactor redactor = Redactor.forOutput(r.spec().getContainer());
        try {
            return OutputTail.of(executor.outputTail(containerId, OutputTail.MAX_LINES), redactor);
        } catch (RuntimeException e) {
            return "(the output could not be read: " + redactor.clean(DockerErrors.describe(e)) + ")";
        }
    }

    /** As for containers: pull policy Always with the registry out of reach runs the image the host has. */
    private boolean bridgeWithLocalImage(JobRecord r, ContainerSpec spec, String why) {
        boolean bridge = spec.getPullPolicy() == PullPolicy.PULL_ALWAYS && PullErrors.registryUnreachable(why)
                && observer.imagePresent(spec.getImage());
        if (bridge) {
            LOG.warn("{}: cannot reach the registry of {} ({}); using the image on the host", describe(r),
                    spec.getImage(), why);
        }
        return bridge;
    }

    private List<JobContainer> jobContainers(String uid) {
        return observer.managedOf(uid).stream().filter(JobContainer::isJob).map(JobContainer::of).toList();
    }

    private static Map<String, JobSpec> desiredByUid(DesiredState state) {
        Map<String, JobSpec> desired = new LinkedHashMap<>();
        state.getJobsList().forEach(j -> desired.putIfAbsent(j.getContainer().getWorkload().getUid(), j));
        return desired;
    }

    /** A message without the output tail: logs get the what, the status gets the whole. */
    private static String headline(String message) {
        int tail = message.indexOf(". Last output:");
        return tail < 0 ? message : message.substring(0, tail);
    }

    /** The job for a log line: its kind and name when the agent knows them, else its uid. */
    private String who(String uid) {
        return records.get(uid).map(JobDriver::describe).orElse("job " + uid);
    }

    private static String describe(JobRecord r) {
        return "DockerJob " + r.workload().getNamespace() + "/" + r.workload().getName();
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
