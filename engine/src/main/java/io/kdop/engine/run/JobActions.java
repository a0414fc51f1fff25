package io.kdop.engine.run;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DaemonProbe;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.docker.DockerObserver;
import io.kdop.engine.docker.DockerOutages;
import io.kdop.engine.job.JobAction;
import io.kdop.engine.job.JobContainer;
import io.kdop.engine.job.JobInput;
import io.kdop.engine.job.JobOutcomes;
import io.kdop.engine.job.JobRecord;
import io.kdop.engine.job.JobRules;
import io.kdop.engine.job.OutputTail;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.Redactor;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.engine.store.JobRecords;
import io.kdop.proto.v1.ContainerSpec;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link JobAction} that {@link JobDriver} got from the job rules: the Docker steps
 * through the shared {@link StepExecutor}, the records they lead to, made durable before anything
 * depends on them. Runs on the pass's thread only.
 */
final class JobActions {

    private static final Logger LOG = LoggerFactory.getLogger(JobActions.class);

    /** What one step did: whether Docker changed, and whether to decide the job's next step now. */
    record Applied(boolean changedDocker, boolean goOn) {}

    private final DockerObserver observer;
    private final StepExecutor steps;
    private final SecretPlacement secrets;
    private final JobRecords records;
    private final FailureTracker failures;
    private final JobOutcomes outcomes;
    private final DaemonProbe daemon;
    private final DockerOutages outages;
    private final Clock clock;
    /** Jobs whose image is being pulled in this pass, with the image: their status says so. */
    private final Map<String, String> pulling = new HashMap<>();

    JobActions(DockerObserver observer, StepExecutor steps, SecretPlacement secrets, JobRecords records,
            FailureTracker failures, JobRules rules, DaemonProbe daemon, DockerOutages outages, Clock clock) {
        this.observer = observer;
        this.steps = steps;
        this.secrets = secrets;
        this.records = records;
        this.failures = failures;
        this.outcomes = rules.outcomes();
        this.daemon = daemon;
        this.outages = outages;
        this.clock = clock;
    }

    /** A pass begins: no pull of its is under way yet. */
    void passBegins() {
        pulling.clear();
    }

    /** What the status of a job whose image is being pulled says, if it is. */
    Optional<String> pulling(String uid) {
        return Optional.ofNullable(pulling.get(uid));
    }

    Applied apply(String uid, JobInput in, JobAction action, JobDriver.Progress progress)
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

    private Applied start(String uid, JobAction.StartAttempt a, JobDriver.Progress progress)
            throws InterruptedException {
        JobRecord r = a.starting();
        ContainerSpec spec = r.spec().getContainer();
        Redactor redactor = Redactor.forSpec(spec);
        StepExecutor.Target target = new StepExecutor.Target(uid, a.attemptKey(), describe(r));
        if (a.pull()) {
            StepExecutor.Pulled pulled = steps.pull(target, spec, a.credential(), redactor);
            if (pulled instanceof StepExecutor.Pulled.Pulling p) {
                pulling.put(uid, a.image() + " since " + p.since());
                progress.pulling(uid, r.spec(), a.image() + " since " + p.since());
            }
            if (!(pulled instanceof StepExecutor.Pulled.Ready)) {
                return new Applied(false, false); // not an attempt: nothing is recorded; a pull's end wakes the loop
            }
            if (r.deadline().filter(d -> !clock.instant().isBefore(d)).isPresent()) {
                return new Applied(false, true); // the pull outlasted the deadline: the rules expire the job, unstarted
            }
        }
        try {
            secrets.sync(spec);
        } catch (IOException e) {
            steps.fail(target, Reason.SecretFilesFailed, "cannot write the secret files: " + e.getMessage());
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
            // a create that fails ran nothing: the attempt stays recorded as starting and is tried again, not counted again
            Optional<String> created = steps.create(target, a.fresh(), redactor);
            if (created.isEmpty()) {
                return new Applied(changed, false);
            }
            id = created.get();
            changed = true;
        }
        Optional<String> failedStart = steps.start(id, redactor);
        if (failedStart.isPresent()) {
            return startFailed(uid, r, id, failedStart.get());
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
            Optional<String> failedStart = steps.start(a.container().id(), Redactor.forSpec(r.spec().getContainer()));
            if (failedStart.isPresent()) {
                return startFailed(r.uid(), r, a.container().id(), failedStart.get());
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
        JobRecord next = outcomes.startFailed(r.running(id), exitCode, why, clock.instant());
        LOG.warn("{}: {}", describe(next), headline(next.message()));
        return new Applied(true, persist(next));
    }

    private Applied end(JobRecord r, JobContainer c, boolean forgivable) throws InterruptedException {
        // asked first: the daemon serves no new connection from before it kills containers until it
        // is back; a pass that came too late has the event stream's outage to go by
        boolean interrupted = forgivable && (!daemon.acceptsConnections()
                || outages.covers(JobOutcomes.finishedAt(c, clock.instant())));
        String tail = c == null ? "" : tail(r, c.id());
        JobRecord next = interrupted
                ? outcomes.attemptInterrupted(r, c, tail, clock.instant())
                : outcomes.attemptEnded(r, c, tail, clock.instant());
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
                if (!steps.kill(new StepExecutor.Target(uid, "", describe(r)), c.id(), c.name() + " (" + c.shortId()
                        + ")", "past the active deadline")) {
                    return new Applied(true, false);
                }
                changed = true;
            }
            killed = jobContainers(uid).stream().filter(o -> o.id().equals(c.id())).findFirst().orElse(c);
            tail = tail(r, c.id());
        }
        JobRecord next = JobOutcomes.deadlineExceeded(r, killed, tail, clock.instant());
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
        Redactor redactor = records.get(uid).map(r -> Redactor.forSpec(r.spec().getContainer()))
                .orElseGet(() -> Redactor.forSpecs(List.of()));
        if (!steps.remove(new StepExecutor.Target(uid, "", who(uid)), c.id(), c.name() + " (" + c.shortId() + ")",
                false, redactor)) {
            return false;
        }
        LOG.info("DockerJob {}/{}: removed container {} ({}): {}", c.workload().getNamespace(),
                c.workload().getName(), c.name(), c.shortId(), why);
        return true;
    }

    /** Persists a record; a record that cannot be written stops the job's steps (its status says why). */
    boolean persist(JobRecord r) {
        try {
            records.save(r);
            return true;
        } catch (IOException e) {
            LOG.error("{}: cannot write its record: {}", describe(r), e.getMessage());
            steps.fail(new StepExecutor.Target(r.uid(), "", describe(r)), Reason.JobRecordWriteFailed,
                    "cannot write the job's record: " + e.getMessage());
            return false;
        }
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
            return OutputTail.of(steps.outputTail(containerId, OutputTail.MAX_LINES), redactor);
        } catch (RuntimeException e) {
            return "(the output could not be read: " + redactor.clean(DockerErrors.describe(e)) + ")";
        }
    }


    List<JobContainer> jobContainers(String uid) {
        return observer.managedOf(uid).stream().filter(JobContainer::isJob).map(JobContainer::of).toList();
    }

    /** A message without the output tail: logs get the what, the status gets the whole. */
    static String headline(String message) {
        int tail = message.indexOf(". Last output:");
        return tail < 0 ? message : message.substring(0, tail);
    }

    /** The job for a log line: its kind and name when the agent knows them, else its uid. */
    String who(String uid) {
        return records.get(uid).map(JobActions::describe).orElse("job " + uid);
    }

    static String describe(JobRecord r) {
        return "DockerJob " + r.workload().getNamespace() + "/" + r.workload().getName();
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
