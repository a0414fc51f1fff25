package io.kdop.engine.job;

import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.job.JobAction.Adopt;
import io.kdop.engine.job.JobAction.EndAttempt;
import io.kdop.engine.job.JobAction.Expire;
import io.kdop.engine.job.JobAction.Forget;
import io.kdop.engine.job.JobAction.Hold;
import io.kdop.engine.job.JobAction.RemoveContainers;
import io.kdop.engine.job.JobAction.Save;
import io.kdop.engine.job.JobAction.StartAttempt;
import io.kdop.engine.job.JobAction.Wait;
import io.kdop.engine.job.JobRecord.State;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.ImageNeed;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.plan.NameHolder;
import io.kdop.engine.plan.Planner;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.RegistryCredentials;
import io.kdop.engine.plan.SpecCheck;
import io.kdop.engine.plan.SpecHash;
import io.kdop.engine.secrets.SecretMounts;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.RestartPolicy;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides the next step of one job from its record, its desired spec and its containers (the
 * records that follow an attempt's end or the deadline are {@link JobOutcomes}'). Pure: no I/O but the
 * resolution of host mount paths its {@link MountGuard} makes, no clock (the time comes in
 * {@link JobInput#now()}), no memory between calls.
 *
 * <p>The exactly-once rules: an attempt is recorded as starting before its container is created;
 * an attempt recorded as starting whose container exists (or, for an in-place restart, whose
 * container shows a new StartedAt) is adopted, one whose container does not is run without being
 * counted again; a running attempt is tracked, never restarted; a finished record is never run
 * again; without a record, a container of the job is adopted rather than another one started, and
 * a job the hub says began or finished is never started.
 */
public final class JobRules {

    private final String hostUid;
    private final SecretMounts secrets;
    private final MountGuard mounts;
    private final JobOutcomes outcomes;

    public JobRules(String hostUid, SecretMounts secrets, MountGuard mounts, Backoff backoff) {
        this.hostUid = hostUid;
        this.secrets = secrets;
        this.mounts = mounts;
        this.outcomes = new JobOutcomes(backoff);
    }

    /** The records that follow what happened to a job, under this rule's backoff. */
    public JobOutcomes outcomes() {
        return outcomes;
    }

    /** The next step for the job. */
    public JobAction decide(JobInput in) {
        JobRecord r = in.record();
        List<JobContainer> all = in.containers();
        if (in.desired() == null && !in.retained()) {
            return all.isEmpty() && r == null && !in.recordUnreadable() ? new Wait(null, null) : new Forget(all);
        }
        if (r == null) {
            return withoutRecord(in);
        }
        if (r.state() == State.PENDING && in.desired() != null && !in.desired().getStarted()
                && !sameSpec(in.desired(), r.spec())) {
            // nothing ran yet, so nothing started with the old spec: take the latest (a fixed image, say)
            return new Save(r.withSpec(in.desired()), JobMessages.SPEC_CHANGED);
        }
        if (r.finished()) {
            return afterFinish(in, r);
        }
        Optional<JobContainer> current = current(r, all);
        List<JobContainer> others = all.stream().filter(c -> current.map(cur -> !cur.id().equals(c.id())).orElse(true))
                .toList();
        Optional<Instant> deadline = r.deadline();
        boolean overdue = deadline.map(d -> !in.now().isBefore(d)).orElse(false);
        return switch (r.state()) {
            case RUNNING -> {
                if (current.isEmpty()) {
                    yield overdue ? new Expire(null) : new EndAttempt(null);
                }
                JobContainer c = current.get();
                if (c.ended()) {
                    // an attempt that ended before the deadline counts as it ended (it may have succeeded)
                    boolean endedInTime = deadline.map(d -> JobOutcomes.finishedAt(c, in.now()).isBefore(d)).orElse(true);
                    yield endedInTime ? new EndAttempt(c, forgivable(r, c)) : new Expire(c);
                }
                if (overdue) {
                    // a container that never started is not started past the deadline, nor killed
                    yield new Expire(c.created() ? null : c);
                }
                if (!others.isEmpty()) {
                    yield new RemoveContainers(others, null, JobMessages.LEFTOVER);
                }
                if (c.created()) {
                    yield new Adopt(r, c, true); // adopted from labels without ever having started
                }
                yield new Wait(deadline.orElse(null), null);
            }
            case STARTING -> {
                Optional<JobContainer> ran = current.filter(c -> attemptRan(r, c));
                if (ran.isPresent() && !(overdue && ran.get().created())) {
                    yield new Adopt(r.running(ran.get().id()), ran.get(), ran.get().created());
                }
                if (overdue) {
                    yield new Expire(null); // never start an attempt past the deadline
                }
                if (current.isPresent()) {
                    yield restartInPlace(in, r, current.get(), others, deadline);
                }
                // it never ran: run it, without counting it again (in a fresh container if the failed one is gone)
                yield startFresh(in, r.containerId().isEmpty() ? r : r.starting(r.attempts(), "", ""), all, deadline);
            }
            case PENDING -> overdue ? new Expire(null) : startFresh(in, r.starting(1, "", ""), all, deadline);
            case BACKOFF -> {
                if (overdue) {
                    yield new Expire(null);
                }
                Instant next = r.nextAttemptAt() == null ? in.now() : r.nextAttemptAt();
                if (in.now().isBefore(next)) {
                    yield new Wait(earliest(next, deadline), null);
                }
                int attempt = r.attempts() + 1;
                if (r.restartsInPlace() && current.isPresent()) {
                    JobContainer c = current.get();
                    yield restartInPlace(in, r.starting(attempt, c.id(), c.state().startedAt()), c, others, deadline);
                }
                yield startFresh(in, r.starting(attempt, "", ""), all, deadline);
            }
            case SUCCEEDED, FAILED -> throw new IllegalStateException("handled above");
        };
    }

    private JobAction withoutRecord(JobInput in) {
        JobSpec d = in.desired();
        if (d == null) {
            return new Wait(null, null); // retained, and nothing known about it: leave its containers as they are
        }
        Optional<JobContainer> newest = newest(in.containers());
        if (d.hasFinished()) {
            return new Save(JobOutcomes.fromOutcome(d, newest, in.now()), JobMessages.HUB_OUTCOME);
        }
        if (newest.isPresent()) {
            return new Save(JobOutcomes.adopted(d, newest.get(), in.now()), JobMessages.adopting(newest.get()));
        }
        if (d.getStarted()) {
            return new Save(JobOutcomes.lost(d, in.now()), JobMessages.HUB_SAW_BEGIN);
        }
        Optional<String> problem = SpecCheck.problem(d.getContainer());
        if (problem.isPresent()) {
            // the uid names the record's file: nothing is written for a spec that fails the checks
            return new Wait(null, new Hold(Reason.InvalidSpec, problem.get()));
        }
        Optional<String> denied = in.policy().refusal(d.getContainer());
        if (denied.isPresent()) {
            return new Wait(null, new Hold(Reason.PolicyDenied, denied.get())); // never begun: no record
        }
        if (in.recordUnreadable()) {
            return new Save(JobOutcomes.unreadable(d, in.now()), JobMessages.RECORD_UNREADABLE);
        }
        return new Save(JobRecord.begin(d, in.now()), JobMessages.BEGUN);
    }

    private JobAction afterFinish(JobInput in, JobRecord r) {
        Optional<Instant> removal = r.removalTime();
        if (removal.isPresent() && !in.now().isBefore(removal.get())) {
            if (!in.containers().isEmpty()) {
                return new RemoveContainers(in.containers(), r.containerRemoved() ? null : r.withContainerRemoved(),
                        JobMessages.TTL_PASSED);
            }
            return r.containerRemoved() ? new Wait(null, null)
                    : new Save(r.withContainerRemoved(), JobMessages.TTL_PASSED_CONTAINER_GONE);
        }
        if (!r.containerId().isEmpty()) {
            List<JobContainer> older = in.containers().stream().filter(c -> !c.id().equals(r.containerId())).toList();
            if (!older.isEmpty()) {
                return new RemoveContainers(older, null, JobMessages.LEFTOVER);
            }
        }
        return new Wait(removal.orElse(null), null);
    }

    /** A fresh container for the attempt, unless something holds it up (then nothing is recorded). */
    private JobAction startFresh(JobInput in, JobRecord starting, List<JobContainer> removeFirst,
            Optional<Instant> deadline) {
        ContainerSpec spec = starting.spec().getContainer();
        DesiredContainer fresh = attemptContainer(starting.spec(), starting.attempts());
        Optional<Hold> refused = refusal(in, fresh);
        if (refused.isPresent()) {
            return new Wait(deadline.orElse(null), refused.get());
        }
        NameHolder holder = in.nameHolders().get(fresh.name());
        if (holder != null) {
            return new Wait(deadline.orElse(null), new Hold(Reason.NameConflict, holder.describe()));
        }
        ImageNeed need = ImageNeed.of(spec.getPullPolicy(), in.presentImages().contains(spec.getImage()));
        if (need == ImageNeed.MISSING) {
            return new Wait(deadline.orElse(null), new Hold(Reason.ImageNotPresent, ImageNeed.missing(spec.getImage())));
        }
        ContainerSpec credentials = credentialSource(in, spec);
        String key = SpecHash.attempt(credentials);
        Optional<Instant> retry = backingOff(in, key);
        if (retry.isPresent()) {
            return new Wait(earliest(retry.get(), deadline), null);
        }
        return new StartAttempt(starting, fresh, null, removeFirst, need == ImageNeed.PULL,
                RegistryCredentials.forImage(credentials), key);
    }

    /**
     * Why an attempt's container may not start: an invalid spec, a host mount the guard refuses, or
     * the host's current policy (a job begun under an older one). Checked before every start,
     * a restart in place too, since Docker resolves the bind sources again at each start.
     */
    private static Optional<Hold> refusal(JobInput in, DesiredContainer attempt) {
        ContainerSpec spec = attempt.spec();
        Optional<String> problem = SpecCheck.problem(spec);
        if (problem.isPresent()) {
            return Optional.of(new Hold(Reason.InvalidSpec, problem.get()));
        }
        if (attempt.mountProblem().isPresent()) {
            return Optional.of(new Hold(Reason.HostPathRefused, attempt.mountProblem().get()));
        }
        return in.policy().refusal(spec).map(denied -> new Hold(Reason.PolicyDenied, denied));
    }

    /** OnFailure: the failed container itself runs the attempt, keeping its file system. */
    private JobAction restartInPlace(JobInput in, JobRecord starting, JobContainer reuse, List<JobContainer> others,
            Optional<Instant> deadline) {
        Optional<Hold> refused = refusal(in, attemptContainer(starting.spec(), starting.attempts()));
        if (refused.isPresent()) {
            return new Wait(deadline.orElse(null), refused.get());
        }
        String key = SpecHash.attempt(credentialSource(in, starting.spec().getContainer()));
        Optional<Instant> retry = backingOff(in, key);
        if (retry.isPresent()) {
            return new Wait(earliest(retry.get(), deadline), null);
        }
        return new StartAttempt(starting, null, reuse, others, false, Optional.empty(), key);
    }

    /**
     * The registry credentials come from the current desired spec when it runs the same image:
     * a rotated pull secret must reach a job that started long ago. Nothing else of it is used.
     */
    private static ContainerSpec credentialSource(JobInput in, ContainerSpec running) {
        if (in.desired() != null && in.desired().getContainer().getImage().equals(running.getImage())) {
            return running.toBuilder().clearRegistryCredentials()
                    .addAllRegistryCredentials(in.desired().getContainer().getRegistryCredentialsList()).build();
        }
        return running;
    }

    private static Optional<Instant> backingOff(JobInput in, String key) {
        return in.failure().filter(f -> f.attemptKey().equals(key)).map(f -> f.retryAt())
                .filter(at -> in.now().isBefore(at));
    }

    /**
     * Whether the attempt's end may be the Docker daemon's doing rather than the job's: it was
     * killed by a signal (exit code above 128, not out of memory), as dockerd's shutdown kills
     * containers, and a daemon that keeps stopping under the job is not forgiven forever. An
     * attempt that exits 0 succeeded, whatever stopped it.
     */
    static boolean forgivable(JobRecord r, JobContainer c) {
        return c.state().exitCode() > 128 && !c.state().oomKilled()
                && r.interruptions() < JobRecord.FORGIVEN_INTERRUPTIONS;
    }

    /** The container attempt {@code attempt} runs in: restart policy no, with the job-attempt label. */
    public DesiredContainer attemptContainer(JobSpec job, int attempt) {
        ContainerSpec spec = job.getContainer().toBuilder()
                .setRestartPolicy(RestartPolicy.RESTART_NO) // Docker never restarts a job's container on its own
                .setMaxRestartCount(0)
                .build();
        DesiredContainer d = DesiredContainer.of(spec, hostUid, secrets, mounts);
        Map<String, String> labels = new LinkedHashMap<>(d.labels());
        labels.put(ManagedContainers.WORKLOAD_KIND, ManagedContainers.DOCKER_JOB); // never the Planner's
        labels.put(ManagedContainers.JOB_ATTEMPT, Integer.toString(attempt));
        return new DesiredContainer(d.spec(), d.name(), d.config(), labels, d.specHash(), d.attemptKey(),
                d.mountProblem());
    }

    /**
     * The container of the record's current attempt: the recorded one by id; for an attempt
     * recorded as starting in a fresh container, the one labelled with its number.
     */
    public static Optional<JobContainer> current(JobRecord r, List<JobContainer> containers) {
        if (r == null) {
            return newest(containers);
        }
        if (!r.containerId().isEmpty()) {
            Optional<JobContainer> byId = containers.stream().filter(c -> c.id().equals(r.containerId())).findFirst();
            if (byId.isPresent() || r.state() == State.RUNNING || r.state() == State.STARTING) {
                return byId;
            }
        }
        if (r.state() == State.STARTING) {
            return containers.stream().filter(c -> c.attempt() == r.attempts()).findFirst();
        }
        if (r.state() == State.RUNNING) {
            return Optional.empty();
        }
        return newest(containers);
    }

    /** Whether the attempt recorded as starting did start (or at least got its container). */
    private static boolean attemptRan(JobRecord r, JobContainer c) {
        if (r.containerId().isEmpty()) {
            return true; // a fresh container labelled with this attempt: created after the record was written
        }
        // the failed container started again: Docker shows another StartedAt than it had when the attempt was recorded
        return c.everStarted() && !c.state().startedAt().equals(r.previousStartedAt());
    }

    private static Optional<JobContainer> newest(List<JobContainer> containers) {
        return containers.stream().max(Comparator.comparingInt(JobContainer::attempt)
                .thenComparing(c -> c.state().startedAt())
                .thenComparing(JobContainer::id));
    }

    private static boolean sameSpec(JobSpec desired, JobSpec recorded) {
        return desired.toBuilder().clearFinished().build().equals(recorded);
    }

    private static Instant earliest(Instant at, Optional<Instant> deadline) {
        return deadline.filter(d -> d.isBefore(at)).orElse(at);
    }
}
