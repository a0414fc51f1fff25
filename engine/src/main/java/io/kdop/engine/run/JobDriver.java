package io.kdop.engine.run;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DaemonProbe;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.docker.DockerObserver;
import io.kdop.engine.docker.DockerOutages;
import io.kdop.engine.job.JobAction;
import io.kdop.engine.job.JobAction.Hold;
import io.kdop.engine.job.JobContainer;
import io.kdop.engine.job.JobInput;
import io.kdop.engine.job.JobRecord;
import io.kdop.engine.job.JobRules;
import io.kdop.engine.job.JobStatuses;
import io.kdop.engine.plan.ObservedState;
import io.kdop.engine.plan.PolicyGate;
import io.kdop.engine.plan.Redactor;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.engine.store.JobRecords;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadStatus;
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
 * has {@link JobActions} carry it out and persist the record it leads to in the {@link JobRecords},
 * and asks again, until the job waits. Runs on the pass's thread only.
 */
final class JobDriver {

    private static final Logger LOG = LoggerFactory.getLogger(JobDriver.class);
    /** A job settles in a few steps (begin, start; or end, back off); more means something keeps undoing them. */
    private static final int MAX_STEPS = 8;
    /** When a job did not settle within a pass: look again after this, not at once. */
    private static final Duration UNSETTLED_RETRY = Duration.ofSeconds(1);

    private final JobActions actions;
    private final JobRecords records;
    private final FailureTracker failures;
    private final JobRules rules;
    private final Clock clock;
    /** Why a job could not go on in the last pass (for its status), by uid. */
    private final Map<String, Hold> holds = new HashMap<>();
    /** The hold last logged per job, so a job held for minutes says so once, not every pass. */
    private final Map<String, Hold> loggedHolds = new HashMap<>();
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

    JobDriver(DockerObserver observer, StepExecutor steps, SecretPlacement secrets, JobRecords records,
            FailureTracker failures, JobRules rules, DaemonProbe daemon, DockerOutages outages, Clock clock) {
        this.actions = new JobActions(observer, steps, secrets, records, failures, rules, daemon, outages, clock);
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
        actions.passBegins();
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
            if (!shifted.equals(r) && actions.persist(shifted)) {
                LOG.warn("{}: the wall clock jumped by {}; its deadline and next attempt move with it", JobActions.describe(r),
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
                Optional<String> pulling = actions.pulling(uid).filter(p -> desired.containsKey(uid));
                statuses.add(pulling.isPresent()
                        ? JobStatuses.pulling(status, desired.get(uid), pulling.get(), revision) : status);
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
                JobActions.Applied applied = actions.apply(uid, in, action, progress);
                changed |= applied.changedDocker();
                if (!applied.goOn()) {
                    if (action instanceof JobAction.StartAttempt s) {
                        // held up (a pull under way, say): the deadline is still kept on time
                        s.starting().deadline().filter(d -> d.isAfter(now)).ifPresent(wakes::add);
                    }
                    return changed;
                }
                if (applied.changedDocker()) {
                    containers = actions.jobContainers(uid);
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

    private static Map<String, JobSpec> desiredByUid(DesiredState state) {
        Map<String, JobSpec> desired = new LinkedHashMap<>();
        state.getJobsList().forEach(j -> desired.putIfAbsent(j.getContainer().getWorkload().getUid(), j));
        return desired;
    }

    private String who(String uid) {
        return actions.who(uid);
    }
}
