package io.kdop.engine.job;

import static io.kdop.engine.job.Jobs.IMAGE;
import static io.kdop.engine.job.Jobs.RULES;
import static io.kdop.engine.job.Jobs.T0;
import static io.kdop.engine.job.Jobs.container;
import static io.kdop.engine.job.Jobs.created;
import static io.kdop.engine.job.Jobs.exited;
import static io.kdop.engine.job.Jobs.input;
import static io.kdop.engine.job.Jobs.job;
import static io.kdop.engine.job.Jobs.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.job.JobAction.Adopt;
import io.kdop.engine.job.JobAction.EndAttempt;
import io.kdop.engine.job.JobAction.Expire;
import io.kdop.engine.job.JobAction.Forget;
import io.kdop.engine.job.JobAction.RemoveContainers;
import io.kdop.engine.job.JobAction.Save;
import io.kdop.engine.job.JobAction.StartAttempt;
import io.kdop.engine.job.JobAction.Wait;
import io.kdop.engine.job.JobRecord.State;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.NameHolder;
import io.kdop.engine.plan.PolicyGate;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.RuntimeState;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.JobOutcome;
import io.kdop.proto.v1.JobRestartPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.PullPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobRulesTest {

    /**
     * Plays the rules against an imaginary Docker host: applies each action as the driver would,
     * with containers that exit when the test says so.
     */
    private static final class Host {
        JobSpec desired;
        boolean retained;
        JobRecord record;
        final List<JobContainer> containers = new ArrayList<>();
        Instant now = T0;
        int created;
        int starts;
        boolean forgotten;

        Host(JobSpec desired) {
            this.desired = desired;
        }

        JobInput input() {
            String uid = desired != null ? desired.getContainer().getWorkload().getUid() : record.uid();
            return new JobInput(uid, desired, retained, record, false, containers, java.util.Optional.empty(),
                    Set.of(IMAGE), Map.of(), now, Jobs.OPEN);
        }

        JobAction decide() {
            return RULES.decide(input());
        }

        /** Applies actions until the job waits. */
        Wait settle() {
            for (int i = 0; i < 20; i++) {
                JobAction action = decide();
                if (action instanceof Wait w) {
                    return w;
                }
                apply(action);
            }
            throw new AssertionError("the job never settles");
        }

        void apply(JobAction action) {
            switch (action) {
                case Wait w -> throw new AssertionError("a wait is not applied");
                case Save s -> record = s.record();
                case StartAttempt s -> {
                    record = s.starting();
                    containers.removeAll(s.removeFirst());
                    String id;
                    if (s.fresh() != null) {
                        id = "c" + ++created;
                        containers.add(new JobContainer(id, s.fresh().name(), s.starting().workload(),
                                Integer.parseInt(s.fresh().labels().get(ManagedContainers.JOB_ATTEMPT)), running(now)));
                    } else {
                        id = s.reuse().id();
                        replace(s.reuse(), running(now));
                    }
                    starts++;
                    record = s.starting().running(id);
                }
                case Adopt a -> {
                    if (a.start()) {
                        replace(a.container(), running(now));
                        starts++;
                    }
                    record = a.running();
                }
                case EndAttempt e -> record = RULES.outcomes().attemptEnded(record, e.container(),
                        e.container() == null ? "" : "output of " + e.container().id(), now);
                case Expire e -> {
                    JobContainer killed = null;
                    if (e.container() != null) {
                        killed = e.container().ended() ? e.container()
                                : replace(e.container(), exited(Instant.parse(e.container().state().startedAt()), now, 137));
                    }
                    record = JobOutcomes.deadlineExceeded(record, killed, killed == null ? null : "output of " + killed.id(),
                            now);
                }
                case RemoveContainers r -> {
                    containers.removeAll(r.containers());
                    if (r.after() != null) {
                        record = r.after();
                    }
                }
                case Forget f -> {
                    containers.clear();
                    record = null;
                    forgotten = true;
                }
            }
        }

        JobContainer replace(JobContainer c, RuntimeState state) {
            JobContainer next = new JobContainer(c.id(), c.name(), c.workload(), c.attempt(), state);
            containers.replaceAll(o -> o.id().equals(c.id()) ? next : o);
            return next;
        }

        /** The running container exits now with this code. */
        void exit(int code) {
            JobContainer c = containers.stream().filter(o -> o.state().running()).findFirst().orElseThrow();
            replace(c, exited(Instant.parse(c.state().startedAt()), now, code));
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void anAttemptThatExitsZeroSucceeds() {
        Host host = new Host(job("ok", "true").build());
        assertThat(host.settle().wakeAt()).as("no deadline, nothing to wake for").isNull();
        assertThat(host.record.state()).isEqualTo(State.RUNNING);
        assertThat(host.record.attempts()).isEqualTo(1);
        assertThat(host.record.startTime()).isEqualTo(T0);
        host.advance(Duration.ofSeconds(5));
        host.exit(0);
        host.settle();
        assertThat(host.record.state()).isEqualTo(State.SUCCEEDED);
        assertThat(host.record.exitCode()).isZero();
        assertThat(host.record.completionTime()).isEqualTo(T0.plusSeconds(5));
        assertThat(host.record.message()).isEqualTo("attempt 1 of 3 succeeded (exit code 0)");
        host.advance(Duration.ofDays(1));
        host.settle();
        assertThat(host.starts).isEqualTo(1);
        assertThat(host.containers).hasSize(1).as("kept without a TTL");
    }

    @Test
    void exitCodeThreeWithBackoffLimitTwoRunsExactlyThreeAttempts() {
        Host host = new Host(job("fails", "exit 3").build());
        host.settle();
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(host.record.attempts()).isEqualTo(attempt);
            assertThat(host.containers).extracting(JobContainer::attempt).containsExactly(attempt);
            host.advance(Duration.ofSeconds(1));
            host.exit(3);
            Wait wait = host.settle();
            if (attempt < 3) {
                assertThat(host.record.state()).isEqualTo(State.BACKOFF);
                assertThat(host.record.message()).isEqualTo("attempt " + attempt + " of 3 exited with code 3; attempt "
                        + (attempt + 1) + " of 3 at " + wait.wakeAt());
                waits.add(Duration.between(host.now, wait.wakeAt()));
                host.now = wait.wakeAt();
                host.settle();
            }
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(host.starts).isEqualTo(3);
        assertThat(host.record.state()).isEqualTo(State.FAILED);
        assertThat(host.record.reason()).isEqualTo(Reason.BackoffLimitExceeded.name());
        assertThat(host.record.exitCode()).isEqualTo(3);
        assertThat(host.record.message())
                .isEqualTo("attempt 3 of 3 exited with code 3; backoffLimit 2 reached. Last output:\noutput of c3");
        assertThat(host.containers).extracting(JobContainer::id).as("each attempt in a fresh container; the last kept")
                .containsExactly("c3");
        host.advance(Duration.ofHours(1));
        assertThat(host.settle().wakeAt()).isNull();
        assertThat(host.starts).as("a finished job never runs again").isEqualTo(3);
    }

    @Test
    void backoffDoublesFromTheFailedAttemptsEndAndIsCapped() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(60));
        assertThat(List.of(b.after(1), b.after(2), b.after(3), b.after(4), b.after(5), b.after(1000)))
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                        Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60));
        assertThat(Backoff.JOBS.after(6)).isEqualTo(Duration.ofSeconds(320));
        assertThat(Backoff.JOBS.after(7)).isEqualTo(Duration.ofMinutes(6));
        assertThat(new Backoff(Duration.ofDays(365), Duration.ofDays(1)).after(50)).as("max below base: base")
                .isEqualTo(Duration.ofDays(365));

        // the agent noticed the exit late (it was down): the wait counts from the exit, not from now
        JobSpec spec = job("late", "exit 1").setBackoffLimit(5).build();
        JobRecord r = JobRecord.begin(spec, T0).starting(1, "", "").running("c1");
        JobContainer c = container(spec, "c1", 1, exited(T0, T0.plusSeconds(1), 1));
        JobRecord next = RULES.outcomes().attemptEnded(r, c, "", T0.plusSeconds(30));
        assertThat(next.nextAttemptAt()).isEqualTo(T0.plusSeconds(11));
        assertThat(RULES.decide(input(spec, next, T0.plusSeconds(30), c))).isInstanceOf(StartAttempt.class);
    }

    @Test
    void theDeadlineKillsTheRunningAttemptAndFailsTheJob() {
        Host host = new Host(job("slow", "sleep 3600").setActiveDeadlineSeconds(30).build());
        assertThat(host.settle().wakeAt()).as("the agent wakes up at the deadline").isEqualTo(T0.plusSeconds(30));
        host.advance(Duration.ofSeconds(29));
        assertThat(host.settle().wakeAt()).isEqualTo(T0.plusSeconds(30));
        host.advance(Duration.ofSeconds(1));
        assertThat(host.decide()).isEqualTo(new Expire(host.containers.getFirst()));
        host.settle();
        assertThat(host.containers.getFirst().state().status()).as("killed").isEqualTo("exited");
        assertThat(host.record.state()).isEqualTo(State.FAILED);
        assertThat(host.record.reason()).isEqualTo(Reason.DeadlineExceeded.name());
        assertThat(host.record.exitCode()).isEqualTo(137);
        assertThat(host.record.completionTime()).isEqualTo(T0.plusSeconds(30));
        assertThat(host.record.message()).isEqualTo("activeDeadlineSeconds 30 exceeded during attempt 1 of 3; the attempt"
                + " was killed. Last output:\noutput of c1");
        assertThat(host.starts).isEqualTo(1);
    }

    @Test
    void theDeadlineRunsThroughBackoffWaitsAndCancelsRetries() {
        Host host = new Host(job("retry", "exit 1").setActiveDeadlineSeconds(12).build());
        host.settle();
        host.advance(Duration.ofSeconds(5));
        host.exit(1);
        assertThat(host.settle().wakeAt()).as("the deadline comes before the retry at 15s").isEqualTo(T0.plusSeconds(12));
        host.advance(Duration.ofSeconds(7));
        host.settle();
        assertThat(host.record.state()).isEqualTo(State.FAILED);
        assertThat(host.record.reason()).isEqualTo(Reason.DeadlineExceeded.name());
        assertThat(host.record.message()).isEqualTo("activeDeadlineSeconds 12 exceeded while waiting to retry after"
                + " attempt 1 of 3 failed. Last output:\noutput of c1");
        assertThat(host.record.exitCode()).isEqualTo(1);
        host.advance(Duration.ofMinutes(5));
        host.settle();
        assertThat(host.starts).isEqualTo(1);
    }

    @Test
    void anAttemptThatEndedBeforeTheDeadlineCountsEvenWhenSeenLater() {
        JobSpec spec = job("seen-late", "true").setActiveDeadlineSeconds(30).build();
        JobRecord r = JobRecord.begin(spec, T0).starting(1, "", "").running("c1");
        JobContainer succeeded = container(spec, "c1", 1, exited(T0, T0.plusSeconds(10), 0));
        assertThat(RULES.decide(input(spec, r, T0.plusSeconds(100), succeeded))).isEqualTo(new EndAttempt(succeeded));
        JobContainer tooLate = container(spec, "c1", 1, exited(T0, T0.plusSeconds(40), 0));
        assertThat(RULES.decide(input(spec, r, T0.plusSeconds(100), tooLate))).isEqualTo(new Expire(tooLate));
    }

    @Test
    void theTtlRemovesTheContainerAndKeepsTheRecord() {
        Host host = new Host(job("ttl", "true").setTtlSecondsAfterFinished(60).build());
        host.settle();
        host.advance(Duration.ofSeconds(5));
        host.exit(0);
        assertThat(host.settle().wakeAt()).as("the agent wakes up when the TTL ends").isEqualTo(T0.plusSeconds(65));
        host.advance(Duration.ofSeconds(60));
        assertThat(host.decide()).isInstanceOf(RemoveContainers.class);
        assertThat(host.settle().wakeAt()).isNull();
        assertThat(host.containers).isEmpty();
        assertThat(host.record.state()).isEqualTo(State.SUCCEEDED);
        assertThat(host.record.containerRemoved()).isTrue();
        host.advance(Duration.ofDays(3));
        host.settle();
        assertThat(host.starts).isEqualTo(1);

        Host zero = new Host(job("ttl0", "true").setTtlSecondsAfterFinished(0).build());
        zero.settle();
        zero.exit(0);
        zero.settle();
        assertThat(zero.containers).as("TTL 0: removed as soon as it finished").isEmpty();
        assertThat(zero.record.containerRemoved()).isTrue();
    }

    @Test
    void aJobTheHubSaysFinishedIsNeverStartedWithoutARecord() {
        JobSpec spec = job("done", "true").setTtlSecondsAfterFinished(3600)
                .setFinished(JobOutcome.newBuilder().setSucceeded(false).setCompletionTime("2029-12-31T23:00:00Z"))
                .build();
        Host host = new Host(spec);
        JobContainer leftover = container(spec, "old", 2, exited(T0.minusSeconds(7200), T0.minusSeconds(3700), 1));
        host.containers.add(leftover);
        assertThat(host.decide()).isInstanceOf(Save.class);
        host.settle();
        assertThat(host.record.state()).isEqualTo(State.FAILED);
        assertThat(host.record.completionTime()).isEqualTo(Instant.parse("2029-12-31T23:00:00Z"));
        assertThat(host.record.attempts()).isEqualTo(2);
        assertThat(host.record.spec().hasFinished()).isFalse();
        assertThat(host.containers).as("past its TTL: removed").isEmpty();
        host.advance(Duration.ofDays(1));
        host.settle();
        assertThat(host.starts).isZero();
        assertThat(host.created).isZero();

        Host fresh = new Host(job("done2", "true")
                .setFinished(JobOutcome.newBuilder().setSucceeded(true).setCompletionTime("garbage")).build());
        fresh.settle();
        assertThat(fresh.record.state()).isEqualTo(State.SUCCEEDED);
        assertThat(fresh.record.completionTime()).as("an unreadable time: now").isEqualTo(T0);
        assertThat(fresh.starts).isZero();
    }

    @Test
    void aJobTheHubSawBeginIsNeverStartedByAnAgentThatLostItsRecord() {
        JobSpec begun = JobSpec.newBuilder().setContainer(ContainerSpec.newBuilder()
                .setWorkload(Jobs.workload("lost")).setContainerName("job-lost")).setSpecDigest("d1").setStarted(true)
                .build();
        Host host = new Host(begun);
        host.settle();
        assertThat(host.record.state()).isEqualTo(State.FAILED);
        assertThat(host.record.reason()).isEqualTo("RecordLost");
        assertThat(host.starts).isZero();
        assertThat(host.created).isZero();

        Host withContainer = new Host(begun);
        JobContainer survivor = container(job("lost", "sleep 9").build(), "c7", 2, running(T0.minusSeconds(5)));
        withContainer.containers.add(survivor);
        withContainer.settle();
        assertThat(withContainer.record.state()).as("its container is adopted and tracked").isEqualTo(State.RUNNING);
        assertThat(withContainer.record.attempts()).isEqualTo(2);
        assertThat(withContainer.created).isZero();
    }

    @Test
    void aBegunJobsSpecIsNeverReplacedByWhatTheHubSendsAfterwards() {
        JobSpec spec = job("frozen", "true").build();
        JobSpec identity = JobSpec.newBuilder().setContainer(ContainerSpec.newBuilder()
                .setWorkload(spec.getContainer().getWorkload()).setContainerName(spec.getContainer().getContainerName()))
                .setSpecDigest(spec.getSpecDigest()).setStarted(true).build();

        JobAction action = RULES.decide(input(identity, JobRecord.begin(spec, T0), T0.plusSeconds(1)));

        assertThat(action).isInstanceOf(StartAttempt.class);
        assertThat(((StartAttempt) action).starting().spec()).isEqualTo(spec);
    }

    @Test
    void anAttemptRecordedAsStartingWithoutItsContainerRunsWithoutBeingCountedAgain() {
        JobSpec spec = job("crashed", "true").build();
        JobRecord starting = JobRecord.begin(spec, T0).starting(1, "", "");
        JobAction action = RULES.decide(input(spec, starting, T0.plusSeconds(1)));
        assertThat(action).isInstanceOf(StartAttempt.class);
        assertThat(((StartAttempt) action).starting()).isEqualTo(starting);

        // attempt 2 announced, the failed attempt 1's container still there: it goes first
        JobRecord second = starting.running("c1").backoff(1, T0, "", "").starting(2, "", "");
        JobContainer first = container(spec, "c1", 1, exited(T0, T0, 1));
        StartAttempt again = (StartAttempt) RULES.decide(input(spec, second, T0.plusSeconds(1), first));
        assertThat(again.starting().attempts()).isEqualTo(2);
        assertThat(again.removeFirst()).containsExactly(first);
        assertThat(again.fresh().labels()).containsEntry(ManagedContainers.JOB_ATTEMPT, "2");
    }

    @Test
    void anAttemptRecordedAsStartingWhoseContainerExistsIsAdopted() {
        JobSpec spec = job("crashed", "true").build();
        JobRecord starting = JobRecord.begin(spec, T0).starting(1, "", "");
        JobContainer runs = container(spec, "c1", 1, running(T0));
        assertThat(RULES.decide(input(spec, starting, T0.plusSeconds(1), runs)))
                .isEqualTo(new Adopt(starting.running("c1"), runs, false));
        JobContainer onlyCreated = container(spec, "c1", 1, created());
        assertThat(RULES.decide(input(spec, starting, T0.plusSeconds(1), onlyCreated)))
                .as("created, not started: started now, still attempt 1")
                .isEqualTo(new Adopt(starting.running("c1"), onlyCreated, true));
    }

    @Test
    void anAttemptTheDockerDaemonStoppedIsRetriedWithoutCountingAgainstTheBackoffLimit() {
        JobSpec spec = job("migrate", "./migrate").setBackoffLimit(0).build();
        JobRecord running = JobRecord.begin(spec, T0).starting(1, "", "").running("c1");
        JobContainer killed = container(spec, "c1", 1, exited(T0, T0.plusSeconds(11), 137));

        assertThat(RULES.decide(input(spec, running, T0.plusSeconds(12), killed)))
                .as("killed by a signal: the driver asks the daemon whether it is stopping")
                .isEqualTo(new EndAttempt(killed, true));
        JobRecord next = RULES.outcomes().attemptInterrupted(running, killed, "terminated", T0.plusSeconds(12));
        assertThat(next.state()).isEqualTo(State.BACKOFF);
        assertThat(next.interruptions()).isEqualTo(1);
        assertThat(next.maxAttempts()).as("backoffLimit 0, one interrupted attempt forgiven").isEqualTo(2);
        assertThat(next.nextAttemptAt()).as("one backoff step after it died").isEqualTo(T0.plusSeconds(21));
        assertThat(next.message()).contains("stopped by the Docker daemon", "does not count against backoffLimit",
                "attempt 2 of 2");

        // the retry runs in a fresh container, once the step has passed
        assertThat(RULES.decide(input(spec, next, T0.plusSeconds(21), killed))).isInstanceOfSatisfying(
                StartAttempt.class, a -> assertThat(a.starting().attempts()).isEqualTo(2));

        // an ordinary exit code, out of memory, or a daemon that keeps stopping: nothing to ask
        JobContainer failed = container(spec, "c1", 1, exited(T0, T0.plusSeconds(11), 3));
        assertThat(RULES.decide(input(spec, running, T0.plusSeconds(12), failed))).isEqualTo(new EndAttempt(failed));
        JobContainer oom = container(spec, "c1", 1, new RuntimeState("exited", "", "", 0, T0.toString(), 137, true, "",
                T0.plusSeconds(11).toString()));
        assertThat(RULES.decide(input(spec, running, T0.plusSeconds(12), oom))).isEqualTo(new EndAttempt(oom));
        JobRecord oftenStopped = new JobRecord(spec, State.RUNNING, 4, T0, "c1", "", 137, null, null, "", "", "",
                false, JobRecord.FORGIVEN_INTERRUPTIONS);
        assertThat(RULES.decide(input(spec, oftenStopped, T0.plusSeconds(12), killed))).isEqualTo(new EndAttempt(killed));
    }

    @Test
    void aWallClockJumpMovesTheDeadlineAndTheNextAttemptWithIt() {
        JobSpec spec = job("pi", "sleep 600").setActiveDeadlineSeconds(300).build();
        JobRecord r = JobRecord.begin(spec, T0).starting(1, "", "").running("c1");
        JobContainer runs = container(spec, "c1", 1, running(T0));
        Duration ntp = Duration.ofDays(700); // a Pi without a real-time clock booted with a stale date
        Instant afterNtp = T0.plus(ntp).plusSeconds(60);
        assertThat(RULES.decide(input(spec, r, afterNtp, runs))).as("unshifted, it would be killed at once")
                .isEqualTo(new Expire(runs));

        assertThat(RULES.decide(input(spec, r.shifted(ntp), afterNtp, runs)))
                .isEqualTo(new Wait(T0.plus(ntp).plusSeconds(300), null));
        JobRecord waiting = r.backoff(1, T0.plusSeconds(20), "retry", "");
        assertThat(waiting.shifted(ntp).nextAttemptAt()).isEqualTo(T0.plus(ntp).plusSeconds(20));
        JobRecord done = r.finish(State.SUCCEEDED, 0, T0.plusSeconds(5), "", "ok", "");
        assertThat(done.shifted(ntp)).as("a finished job keeps its times").isEqualTo(done);
    }

    @Test
    void aContainerCreatedButNeverStartedIsNotStartedPastTheDeadline() {
        JobSpec spec = job("late", "true").setActiveDeadlineSeconds(30).build();
        JobContainer onlyCreated = container(spec, "c1", 1, created());
        Instant late = T0.plusSeconds(31);

        // the agent died between create and start and came back after the deadline
        JobRecord starting = JobRecord.begin(spec, T0).starting(1, "", "");
        assertThat(RULES.decide(input(spec, starting, late, onlyCreated))).isEqualTo(new Expire(null));
        JobRecord failed = JobOutcomes.deadlineExceeded(starting, null, null, late);
        assertThat(failed.attempts()).as("it never ran").isZero();
        assertThat(failed.message()).contains("before attempt 1 of 3 started");

        // adopted from its labels as running, but never started: neither started nor killed
        JobRecord adopted = starting.running("c1");
        assertThat(RULES.decide(input(spec, adopted, late, onlyCreated))).isEqualTo(new Expire(null));
    }

    @Test
    void aRunningContainerIsTrackedNotRestartedAndNotCountedAgain() {
        JobSpec spec = job("long", "sleep 3600").setActiveDeadlineSeconds(600).build();
        JobRecord r = JobRecord.begin(spec, T0).starting(2, "", "").running("c2");
        JobContainer runs = container(spec, "c2", 2, running(T0.plusSeconds(30)));
        assertThat(RULES.decide(input(spec, r, T0.plusSeconds(60), runs))).isEqualTo(new Wait(T0.plusSeconds(600), null));

        // no record at all (the state directory was lost): the container is adopted with its attempt number
        Host host = new Host(spec);
        host.now = T0.plusSeconds(60);
        host.containers.add(runs);
        host.settle();
        assertThat(host.record.state()).isEqualTo(State.RUNNING);
        assertThat(host.record.attempts()).isEqualTo(2);
        assertThat(host.record.containerId()).isEqualTo("c2");
        assertThat(host.record.startTime()).as("the deadline counts from the container's start")
                .isEqualTo(T0.plusSeconds(30));
        assertThat(host.starts).isZero();
        assertThat(host.created).isZero();
    }

    @Test
    void onFailureStartsTheFailedContainerItselfAgain() {
        Host host = new Host(job("in-place", "exit 2").setRestartPolicy(JobRestartPolicy.JOB_RESTART_ON_FAILURE).build());
        host.settle();
        host.advance(Duration.ofSeconds(1));
        host.exit(2);
        Wait wait = host.settle();
        String firstStart = host.containers.getFirst().state().startedAt();
        host.now = wait.wakeAt();
        JobAction action = host.decide();
        assertThat(action).isInstanceOf(StartAttempt.class);
        StartAttempt start = (StartAttempt) action;
        assertThat(start.fresh()).isNull();
        assertThat(start.reuse().id()).isEqualTo("c1");
        assertThat(start.starting().previousStartedAt()).isEqualTo(firstStart);
        assertThat(start.removeFirst()).isEmpty();
        host.settle();
        assertThat(host.containers).extracting(JobContainer::id).containsExactly("c1");
        assertThat(host.record.attempts()).isEqualTo(2);
        assertThat(host.created).isEqualTo(1);
        assertThat(host.starts).isEqualTo(2);

        // recovery of the in-place attempt: the same StartedAt means the start never happened
        JobSpec spec = host.record.spec();
        JobRecord announced = host.record.backoff(2, T0, "", "").starting(3, "c1", "2030-01-01T00:00:40Z");
        JobContainer notRestarted = container(spec, "c1", 1, exited(Instant.parse("2030-01-01T00:00:40Z"), T0, 2));
        StartAttempt retry = (StartAttempt) RULES.decide(input(spec, announced, T0.plusSeconds(99), notRestarted));
        assertThat(retry.starting().attempts()).isEqualTo(3);
        assertThat(retry.reuse()).isEqualTo(notRestarted);
        JobContainer restarted = container(spec, "c1", 1, running(Instant.parse("2030-01-01T00:01:30Z")));
        assertThat(RULES.decide(input(spec, announced, T0.plusSeconds(99), restarted)))
                .isEqualTo(new Adopt(announced.running("c1"), restarted, false));
    }

    @Test
    void aSpecChangedAfterTheStartIsIgnoredButOneBeforeItIsTaken() {
        JobSpec started = job("edit", "exit 1").build();
        JobSpec edited = job("edit", "echo new").build();
        JobRecord r = JobRecord.begin(started, T0).starting(1, "", "").running("c1").backoff(1, T0, "", "");
        StartAttempt next = (StartAttempt) RULES.decide(input(edited, r, T0.plusSeconds(1)));
        assertThat(next.starting().spec()).isEqualTo(started);
        assertThat(next.starting().specDigest()).isEqualTo(started.getSpecDigest());
        assertThat(next.fresh().config().cmd()).containsExactly("sh", "-c", "exit 1");

        JobRecord pending = JobRecord.begin(started, T0);
        Save save = (Save) RULES.decide(input(edited, pending, T0.plusSeconds(1)));
        assertThat(save.record().spec()).isEqualTo(edited);
        assertThat(save.record().startTime()).as("the deadline still counts from the begin").isEqualTo(T0);
    }

    @Test
    void aJobNoLongerDesiredIsForgottenAndARetainedOneGoesOn() {
        JobSpec spec = job("gone", "exit 1").build();
        JobRecord r = JobRecord.begin(spec, T0).starting(1, "", "").running("c1").backoff(1, T0, "", "");
        JobContainer c = container(spec, "c1", 1, exited(T0, T0, 1));
        assertThat(RULES.decide(new JobInput(r.uid(), null, false, r, false, List.of(c), java.util.Optional.empty(),
                Set.of(), Map.of(), T0, Jobs.OPEN))).isEqualTo(new Forget(List.of(c)));
        assertThat(RULES.decide(Jobs.retainedOnly(r, T0.plusSeconds(1), c))).isInstanceOf(StartAttempt.class);
        assertThat(RULES.decide(new JobInput("uid-unknown", null, true, null, false, List.of(c),
                java.util.Optional.empty(), Set.of(), Map.of(), T0, Jobs.OPEN))).as("retained, no record: left as it is")
                .isEqualTo(new Wait(null, null));
    }

    @Test
    void whatHoldsAJobUpIsNoAttempt() {
        JobSpec spec = job("held", "true").build();
        JobRecord pending = JobRecord.begin(spec, T0);
        JobInput in = input(spec, pending, T0);

        JobAction conflict = RULES.decide(Jobs.withHolders(in, Map.of("job-held", new NameHolder("x", "job-held", ""))));
        assertThat(conflict).isInstanceOf(Wait.class);
        assertThat(((Wait) conflict).hold().reason()).isEqualTo(Reason.NameConflict);

        JobSpec never = job("held", "true").setContainer(spec.getContainer().toBuilder()
                .setPullPolicy(PullPolicy.PULL_NEVER)).build();
        JobAction missing = RULES.decide(Jobs.withImages(input(never, JobRecord.begin(never, T0), T0), Set.of()));
        assertThat(((Wait) missing).hold().reason()).isEqualTo(Reason.ImageNotPresent);

        StartAttempt pull = (StartAttempt) RULES.decide(Jobs.withImages(in, Set.of()));
        assertThat(pull.pull()).isTrue();
        assertThat(pull.starting().attempts()).isEqualTo(1);

        FailureTracker.Failure failed = new FailureTracker.Failure(Reason.ImagePullFailed, "no", pull.attemptKey(), 1,
                T0.plusSeconds(5));
        assertThat(RULES.decide(Jobs.withFailure(in, failed))).isEqualTo(new Wait(T0.plusSeconds(5), null));
        FailureTracker.Failure otherKey = new FailureTracker.Failure(Reason.ImagePullFailed, "no", "old", 1,
                T0.plusSeconds(5));
        assertThat(RULES.decide(Jobs.withFailure(in, otherKey))).as("new credentials: tried at once")
                .isInstanceOf(StartAttempt.class);
    }

    @Test
    void anUnreadableRecordNeverStartsTheJobBlindly() {
        JobSpec spec = job("lost", "true").build();
        Save failed = (Save) RULES.decide(Jobs.unreadable(spec, T0));
        assertThat(failed.record().state()).isEqualTo(State.FAILED);
        assertThat(failed.record().reason()).isEqualTo(Reason.JobRecordUnreadable.name());
        assertThat(failed.record().message()).contains("could not be read").contains("not run again");

        JobContainer c = container(spec, "c4", 3, running(T0));
        Save adopted = (Save) RULES.decide(Jobs.unreadable(spec, T0, c));
        assertThat(adopted.record().state()).isEqualTo(State.RUNNING);
        assertThat(adopted.record().attempts()).isEqualTo(3);
    }

    @Test
    void anInvalidSpecWritesNoRecord() {
        JobSpec spec = job("bad", "true").setContainer(job("bad", "true").getContainer().toBuilder()
                .setWorkload(Jobs.workload("bad").toBuilder().setUid("../../etc"))).build();
        JobAction action = RULES.decide(input(spec, null, T0));
        assertThat(action).isInstanceOf(Wait.class);
        assertThat(((Wait) action).hold().reason()).isEqualTo(Reason.InvalidSpec);
    }

    @Test
    void aRefusedHostMountHoldsTheAttemptWithItsOwnReason() {
        JobSpec spec = job("peek", "true").setContainer(job("peek", "true").getContainer().toBuilder()
                .addMounts(io.kdop.proto.v1.HostMount.newBuilder().setHostPath("/var/lib/kdop-agent")
                        .setContainerPath("/loot"))).build();
        JobAction action = RULES.decide(input(spec, JobRecord.begin(spec, T0), T0));
        assertThat(action).isInstanceOf(Wait.class);
        assertThat(((Wait) action).hold().reason()).isEqualTo(Reason.HostPathRefused);
        assertThat(((Wait) action).hold().message()).contains("the agent's state directory");
    }

    @Test
    void aJobTheHostsPolicyRefusesIsNeitherBegunNorGivenAFreshContainer() {
        // the test jobs are in namespace batch; host edge/h takes only its own namespace by default
        PolicyGate defaults = PolicyGate.of(HostIdentity.newBuilder().setNamespace("edge").setName("h").build(),
                DesiredState.getDefaultInstance(), p -> p);
        JobSpec spec = job("guest", "true").build();
        JobAction action = RULES.decide(Jobs.withPolicy(input(spec, null, T0), defaults));
        assertThat(action).isInstanceOf(Wait.class);
        assertThat(((Wait) action).hold().reason()).isEqualTo(Reason.PolicyDenied);
        assertThat(((Wait) action).hold().message()).contains("DockerHost edge/h", "namespace batch");

        // begun under a policy that allowed it: the next attempt needs a container the current one refuses
        PolicyGate noEtc = PolicyGate.of(HostIdentity.newBuilder().setNamespace("batch").setName("h").build(),
                DesiredState.newBuilder().setPolicy(io.kdop.proto.v1.HostPolicy.newBuilder()
                        .setHostPaths(io.kdop.proto.v1.HostPathRules.getDefaultInstance())).build(), p -> p);
        JobSpec mounts = job("mounts", "true").setContainer(job("mounts", "true").getContainer().toBuilder()
                .addMounts(HostMount.newBuilder().setHostPath("/etc").setContainerPath("/etc-host"))).build();
        JobRecord begun = JobRecord.begin(mounts, T0);
        Wait held = (Wait) RULES.decide(Jobs.withPolicy(input(mounts, begun, T0), noEtc));
        assertThat(held.hold().reason()).isEqualTo(Reason.PolicyDenied);
        assertThat(held.hold().message()).contains("host path /etc", "spec.policy.hostPaths allows none");

        assertThat(RULES.decide(input(spec, null, T0))).as("allowed: begun").isInstanceOf(Save.class);
        assertThat(RULES.decide(input(mounts, begun, T0))).as("allowed: started").isInstanceOf(StartAttempt.class);
    }

    @Test
    void aVanishedContainerAndAFailedStartAreFailedAttempts() {
        JobSpec spec = job("flaky", "true").setBackoffLimit(1).build();
        JobRecord r = JobRecord.begin(spec, T0).starting(1, "", "").running("c1");
        assertThat(RULES.decide(input(spec, r, T0))).isEqualTo(new EndAttempt(null));
        JobRecord vanished = RULES.outcomes().attemptEnded(r, null, "", T0);
        assertThat(vanished.state()).isEqualTo(State.BACKOFF);
        assertThat(vanished.message()).startsWith("the container of attempt 1 of 2 disappeared before it exited");

        JobRecord second = vanished.starting(2, "", "").running("c2");
        JobRecord startFailed = RULES.outcomes().startFailed(second, 127, "exec: \"nope\": executable file not found", T0);
        assertThat(startFailed.state()).isEqualTo(State.FAILED);
        assertThat(startFailed.exitCode()).isEqualTo(127);
        assertThat(startFailed.message()).isEqualTo("attempt 2 of 2 could not be started (exit code 127): exec: \"nope\":"
                + " executable file not found; backoffLimit 1 reached. Last output:\n(no output)");
    }

    @Test
    void theAttemptContainerNeverRestartsOnItsOwnAndIsLabelled() {
        JobSpec spec = job("labels", "true").setContainer(job("labels", "true").getContainer().toBuilder()
                .setRestartPolicy(io.kdop.proto.v1.RestartPolicy.RESTART_ALWAYS)).build();
        DesiredContainer d = RULES.attemptContainer(spec, 4);
        assertThat(d.config().restartPolicy()).isEqualTo("no");
        assertThat(d.name()).isEqualTo("job-labels");
        assertThat(d.labels()).containsEntry(ManagedContainers.JOB_ATTEMPT, "4")
                .containsEntry(ManagedContainers.WORKLOAD_KIND, "DockerJob")
                .containsEntry(ManagedContainers.WORKLOAD_UID, "uid-labels")
                .containsEntry(ManagedContainers.HOST_UID, Jobs.HOST_UID)
                .containsEntry(ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE)
                .containsKey(ManagedContainers.SPEC_HASH);
    }
}
