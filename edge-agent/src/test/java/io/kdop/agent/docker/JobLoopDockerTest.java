package io.kdop.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.google.protobuf.ByteString;
import io.kdop.agent.hostfs.HostPaths;
import io.kdop.agent.store.JobRecordStore;
import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.docker.DockerClients;
import io.kdop.engine.docker.DockerExecutor;
import io.kdop.engine.job.JobRecord;
import io.kdop.engine.job.JobRules;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.run.ReconcileLoop;
import io.kdop.engine.secrets.SecretLayout;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.JobOutcome;
import io.kdop.proto.v1.JobRestartPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DockerJobs run by the reconciler against the real Docker daemon and the local test image: the
 * attempts, their backoff, the deadline, the TTL, and above all that no agent restart ever runs
 * an attempt twice or a finished job again. With CI=true an unreachable daemon fails these tests
 * instead of skipping them.
 */
@Timeout(120)
class JobLoopDockerTest {

    private static final String DOCKER_HOST = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final String IMAGE = "kdop-test/busybox:1";
    /** Long: the tests prove that Docker events and the jobs' own times, not the resync, drive the jobs. */
    private static final Duration NO_RESYNC = Duration.ofHours(1);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400));
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SECRET = "tok-secret-4242";

    private static DockerClient docker;

    @TempDir
    Path stateDir;
    @TempDir
    Path hostData;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    /** In the namespace of the test jobs: the host's default policy takes them. */
    private final HostIdentity host = HostIdentity.newBuilder().setNamespace("batch").setName("edge-test")
            .setUid("test-host-" + suffix).build();
    private final AtomicReference<DesiredState> desired = new AtomicReference<>();
    private final List<ReconcileLoop> loops = new ArrayList<>();

    @BeforeAll
    static void requireDockerAndImage() throws Exception {
        docker = DockerClients.create(DOCKER_HOST, Duration.ofSeconds(30), 4);
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Docker is unreachable at " + DOCKER_HOST + " (CI=true: Docker tests must run)", e);
            }
            assumeTrue(false, "Docker is unreachable at " + DOCKER_HOST);
        }
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            Process build = new ProcessBuilder("bash", "../scripts/test-images.sh").inheritIO().start();
            assertThat(build.waitFor(120, TimeUnit.SECONDS) && build.exitValue() == 0).as("scripts/test-images.sh").isTrue();
        }
    }

    @AfterEach
    void cleanUp() {
        loops.forEach(ReconcileLoop::close);
        for (Container c : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ManagedContainers.HOST_UID, host.getUid())).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone
            }
        }
    }

    private ReconcileLoop startLoop() throws Exception {
        ReconcileLoop loop = LocalReconciler.start(DOCKER_HOST, stateDir, NO_RESYNC, FAST, host,
                () -> Optional.ofNullable(desired.get()), Clock.systemUTC());
        loops.add(loop);
        return loop;
    }

    /** Stops a loop as a killed agent stops: its containers stay as they are. */
    private void stop(ReconcileLoop loop) {
        loop.close();
        loops.remove(loop);
    }

    private static void anotherPass(ReconcileLoop loop) {
        long done = loop.completedPasses();
        loop.desiredStateChanged();
        await().atMost(WAIT).until(() -> loop.completedPasses() > done);
    }

    private void publish(long revision, JobSpec... jobs) {
        desired.set(DesiredState.newBuilder().setRevision(revision).setDigest("d" + revision)
                .addAllJobs(List.of(jobs)).build());
    }

    private WorkloadRef workload(String name) {
        return WorkloadRef.newBuilder().setKind("DockerJob").setNamespace("batch").setName(name)
                .setUid("uid-" + name + "-" + suffix).build();
    }

    private JobSpec.Builder job(String name, String script) {
        return JobSpec.newBuilder()
                .setContainer(ContainerSpec.newBuilder().setWorkload(workload(name))
                        .setContainerName("kdop-test-job-" + name + "-" + suffix).setImage(IMAGE)
                        .addAllCommand(List.of("sh", "-c", script))
                        .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue(SECRET).setFromSecret(true)))
                .setRestartPolicy(JobRestartPolicy.JOB_RESTART_NEVER)
                .setBackoffLimit(2)
                .setSpecDigest("digest-" + name);
    }

    private static Optional<WorkloadStatus> status(ReconcileLoop loop, String name) {
        return loop.status().latest().flatMap(r -> r.getWorkloadsList().stream()
                .filter(w -> w.getWorkload().getName().equals(name)).findFirst());
    }

    private static WorkloadStatus awaitPhase(ReconcileLoop loop, String name, String phase) {
        return await().atMost(WAIT).until(() -> status(loop, name), s -> s.isPresent() && s.get().getPhase().equals(phase))
                .orElseThrow();
    }

    /** The job's containers, as Docker lists them by its uid label. */
    private List<InspectContainerResponse> containersOf(String name) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ManagedContainers.WORKLOAD_UID, workload(name).getUid())).exec().stream()
                .flatMap(c -> inspect(c.getId()).stream())
                .toList();
    }

    /** Empty when the container went between the listing and the inspection (the agent removing it). */
    private static Optional<InspectContainerResponse> inspect(String id) {
        try {
            return Optional.of(docker.inspectContainerCmd(id).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** As when the agent's state directory is lost or replaced. */
    private void loseJobRecords() throws java.io.IOException {
        try (var files = Files.walk(stateDir.resolve("jobs"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private JobRecordStore records() throws Exception {
        return JobRecordStore.open(stateDir, Clock.systemUTC());
    }

    @Test
    void aJobThatExitsZeroSucceedsOnceAndKeepsItsContainer() throws Exception {
        publish(1, job("ok", "echo hello; exit 0").build());
        ReconcileLoop loop = startLoop();

        // the exit is noticed through Docker's "die" event: the resync is an hour away
        WorkloadStatus done = awaitPhase(loop, "ok", "Succeeded");
        assertThat(done.getJob().getAttempts()).isEqualTo(1);
        assertThat(done.getJob().hasExitCode()).isTrue();
        assertThat(done.getJob().getExitCode()).isZero();
        assertThat(done.getJob().getSpecDigest()).isEqualTo("digest-ok");
        assertThat(done.getJob().getStartTime()).isNotEmpty();
        assertThat(done.getJob().getCompletionTime()).isNotEmpty();
        assertThat(done.getJob().getContainerRemoved()).isFalse();
        assertThat(done.getMessage()).isEqualTo("attempt 1 of 3 succeeded (exit code 0)");
        List<InspectContainerResponse> containers = containersOf("ok");
        assertThat(containers).hasSize(1);
        InspectContainerResponse c = containers.getFirst();
        assertThat(done.getContainerId()).isEqualTo(c.getId());
        assertThat(c.getState().getStatus()).isEqualTo("exited");
        assertThat(c.getHostConfig().getRestartPolicy().getName()).as("Docker never restarts it").isIn("", "no");
        assertThat(c.getConfig().getLabels()).containsEntry(ManagedContainers.JOB_ATTEMPT, "1")
                .containsEntry(ManagedContainers.WORKLOAD_KIND, "DockerJob")
                .containsEntry(ManagedContainers.HOST_UID, host.getUid())
                .containsKey(ManagedContainers.SPEC_HASH);
        Path record = stateDir.resolve("jobs").resolve(workload("ok").getUid() + ".json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
        assertThat(Files.readString(record)).doesNotContain(SECRET);

        // more passes: the container planner leaves the job's container alone, and the job is not run again
        anotherPass(loop);
        anotherPass(loop);
        InspectContainerResponse after = docker.inspectContainerCmd(c.getId()).exec();
        assertThat(after.getState().getStartedAt()).isEqualTo(c.getState().getStartedAt());
        assertThat(containersOf("ok")).hasSize(1);
        assertThat(status(loop, "ok").orElseThrow().getPhase()).isEqualTo("Succeeded");
    }

    @Test
    void failedAttemptsRunUpToTheBackoffLimitAndTheMessageEndsWithTheOutput() throws Exception {
        // the pause orders the two streams: Docker copies stdout and stderr separately
        publish(1, job("fails", "echo first; for i in $(seq 1 40); do echo line $i; done; sleep 0.3;"
                + " echo \"token $TOKEN\" >&2; exit 3").build());
        ReconcileLoop loop = startLoop();

        WorkloadStatus failed = awaitPhase(loop, "fails", "Failed");
        assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.getJob().getAttempts()).isEqualTo(3);
        assertThat(failed.getJob().getExitCode()).isEqualTo(3);
        assertThat(failed.getExitCode()).isEqualTo(3);
        assertThat(failed.getMessage()).startsWith("attempt 3 of 3 exited with code 3; backoffLimit 2 reached."
                + " Last output:\n")
                .contains("line 12\n", "line 40\n").doesNotContain("line 11\n").doesNotContain("first")
                .endsWith("token ***")
                .doesNotContain(SECRET);
        List<InspectContainerResponse> containers = containersOf("fails");
        assertThat(containers).as("each attempt in a fresh container, the failed one removed first").hasSize(1);
        assertThat(containers.getFirst().getConfig().getLabels()).containsEntry(ManagedContainers.JOB_ATTEMPT, "3");
        JobRecord record = records().get(workload("fails").getUid()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobRecord.State.FAILED);
        assertThat(record.attempts()).isEqualTo(3);

        anotherPass(loop);
        assertThat(containersOf("fails").getFirst().getId()).isEqualTo(containers.getFirst().getId());
        assertThat(status(loop, "fails").orElseThrow().getJob().getAttempts()).isEqualTo(3);
    }

    @Test
    void secretFilesAreThereBeforeTheStartAndRedactedFromTheOutput() throws Exception {
        JobSpec.Builder reads = job("secret", "cat /etc/creds/token; echo; [ \"$(cat /etc/creds/token)\" = "
                + "file-secret-99 ] && exit 7").setBackoffLimit(0);
        reads.getContainerBuilder().addSecretFiles(SecretFiles.newBuilder().setSecretName("creds")
                .setMountPath("/etc/creds").addFiles(SecretFile.newBuilder().setName("token")
                        .setContent(ByteString.copyFromUtf8("file-secret-99"))));
        publish(1, reads.build());
        ReconcileLoop loop = startLoop();
        WorkloadStatus failed = awaitPhase(loop, "secret", "Failed");
        assertThat(failed.getJob().getExitCode()).as("the file was there with its content").isEqualTo(7);
        assertThat(failed.getMessage()).isEqualTo("attempt 1 of 1 exited with code 7; backoffLimit 0 reached."
                + " Last output:\n***");
        assertThat(stateDir.resolve("secrets").resolve(workload("secret").getUid())).as("kept with the record")
                .isDirectory();
    }

    @Test
    void aFailingPullIsNoAttemptAndTheDeadlineStillRuns() throws Exception {
        JobSpec.Builder unpullable = job("nopull", "true").setActiveDeadlineSeconds(3);
        unpullable.getContainerBuilder().setImage("127.0.0.1:1/kdop-test/nope:1");
        publish(1, unpullable.build());
        ReconcileLoop loop = startLoop();
        WorkloadStatus pending = await().atMost(WAIT).until(() -> status(loop, "nopull"),
                s -> s.isPresent() && s.get().getReason().equals("ImagePullFailed")).orElseThrow();
        assertThat(pending.getPhase()).isEqualTo("Pending");
        assertThat(pending.getJob().getAttempts()).isZero();
        assertThat(pending.getJob().getStartTime()).isNotEmpty();
        WorkloadStatus failed = awaitPhase(loop, "nopull", "Failed");
        assertThat(failed.getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getMessage()).startsWith("activeDeadlineSeconds 3 exceeded before the first attempt started");
        assertThat(failed.getJob().getAttempts()).isZero();
        assertThat(containersOf("nopull")).isEmpty();
    }

    @Test
    void aPullThatHangsShowsAsPullingAndTheDeadlineIsKeptMeanwhile() throws Exception {
        try (SilentRegistry registry = new SilentRegistry()) {
            JobSpec.Builder stalled = job("stalled", "true").setActiveDeadlineSeconds(3);
            stalled.getContainerBuilder().setImage(registry.image("kdop-test/slow:1"));
            publish(1, stalled.build());
            ReconcileLoop loop = startLoop();

            WorkloadStatus pulling = awaitPhase(loop, "stalled", "Pulling");
            assertThat(pulling.getMessage()).startsWith("pulling image " + registry.image("kdop-test/slow:1"));
            // the status says Pulling as the pull begins; the daemon's request reaches the registry a moment later
            await("the daemon's pull request at the registry").atMost(WAIT).until(registry::pulling);
            // the pull still hangs: the deadline is enforced on time, not when the pull ends
            WorkloadStatus failed = awaitPhase(loop, "stalled", "Failed");
            assertThat(failed.getReason()).isEqualTo("DeadlineExceeded");
            assertThat(failed.getJob().getAttempts()).isZero();
            assertThat(containersOf("stalled")).isEmpty();
        }
    }

    @Test
    void onFailureStartsTheSameContainerAgainKeepingItsFiles() throws Exception {
        publish(1, job("in-place", "echo run >> /tmp/runs; n=$(wc -l < /tmp/runs); echo \"run $n\"; [ \"$n\" -ge 3 ]")
                .setRestartPolicy(JobRestartPolicy.JOB_RESTART_ON_FAILURE).build());
        ReconcileLoop loop = startLoop();

        WorkloadStatus done = awaitPhase(loop, "in-place", "Succeeded");
        assertThat(done.getJob().getAttempts()).isEqualTo(3);
        List<InspectContainerResponse> containers = containersOf("in-place");
        assertThat(containers).hasSize(1);
        assertThat(containers.getFirst().getId()).isEqualTo(done.getContainerId());
        assertThat(containers.getFirst().getConfig().getLabels()).containsEntry(ManagedContainers.JOB_ATTEMPT, "1");
    }

    @Test
    void theDeadlineKillsTheRunningAttemptOnTime() throws Exception {
        publish(1, job("slow", "echo working; sleep 3600").setActiveDeadlineSeconds(2).build());
        ReconcileLoop loop = startLoop();
        WorkloadStatus running = awaitPhase(loop, "slow", "Running");
        Instant start = Instant.parse(running.getJob().getStartTime());

        WorkloadStatus failed = awaitPhase(loop, "slow", "Failed");
        assertThat(failed.getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getMessage()).isEqualTo("activeDeadlineSeconds 2 exceeded during attempt 1 of 3; the attempt"
                + " was killed. Last output:\nworking");
        Instant completion = Instant.parse(failed.getJob().getCompletionTime());
        assertThat(Duration.between(start, completion)).as("the agent woke up at the deadline, not at a resync")
                .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(5));
        assertThat(failed.getJob().getAttempts()).isEqualTo(1);
        InspectContainerResponse c = containersOf("slow").getFirst();
        assertThat(c.getState().getRunning()).isFalse();
        assertThat(c.getState().getExitCodeLong()).isEqualTo(137L);
    }

    @Test
    void theTtlRemovesTheContainerAndTheRecordStays() throws Exception {
        publish(1, job("ttl", "exit 0").setTtlSecondsAfterFinished(1).build());
        ReconcileLoop loop = startLoop();
        await().atMost(WAIT).until(() -> status(loop, "ttl").map(s -> s.getJob().getContainerRemoved()).orElse(false));
        assertThat(containersOf("ttl")).isEmpty();
        WorkloadStatus s = status(loop, "ttl").orElseThrow();
        assertThat(s.getPhase()).isEqualTo("Succeeded");
        assertThat(s.getJob().getAttempts()).isEqualTo(1);
        JobRecord record = records().get(workload("ttl").getUid()).orElseThrow();
        assertThat(record.containerRemoved()).isTrue();
        anotherPass(loop);
        assertThat(containersOf("ttl")).as("never run again").isEmpty();
    }

    @Test
    void anAgentRestartTracksTheRunningAttemptAndNeverRunsAFinishedJobAgain() throws Exception {
        JobSpec.Builder waitsForGo = job("restart", "echo started; while [ ! -f /data/go ]; do sleep 0.1; done");
        waitsForGo.getContainerBuilder()
                .addMounts(HostMount.newBuilder().setHostPath(hostData.toString()).setContainerPath("/data"));
        publish(1, waitsForGo.build());
        ReconcileLoop first = startLoop();
        WorkloadStatus running = awaitPhase(first, "restart", "Running");
        InspectContainerResponse original = docker.inspectContainerCmd(running.getContainerId()).exec();
        stop(first); // the agent dies; the attempt goes on

        ReconcileLoop second = startLoop();
        WorkloadStatus tracked = awaitPhase(second, "restart", "Running");
        anotherPass(second);
        assertThat(tracked.getContainerId()).isEqualTo(original.getId());
        assertThat(status(second, "restart").orElseThrow().getJob().getAttempts()).as("not counted again").isEqualTo(1);
        assertThat(containersOf("restart")).hasSize(1);
        assertThat(docker.inspectContainerCmd(original.getId()).exec().getState().getStartedAt())
                .as("not restarted").isEqualTo(original.getState().getStartedAt());

        Files.writeString(hostData.resolve("go"), "");
        WorkloadStatus done = awaitPhase(second, "restart", "Succeeded");
        assertThat(done.getJob().getAttempts()).isEqualTo(1);
        stop(second);

        ReconcileLoop third = startLoop();
        awaitPhase(third, "restart", "Succeeded");
        anotherPass(third);
        assertThat(containersOf("restart")).extracting(InspectContainerResponse::getId).containsExactly(original.getId());
        assertThat(docker.inspectContainerCmd(original.getId()).exec().getState().getStartedAt())
                .isEqualTo(original.getState().getStartedAt());
        stop(third);

        // even with its container gone, the record alone keeps it from running again
        docker.removeContainerCmd(original.getId()).withForce(true).exec();
        ReconcileLoop fourth = startLoop();
        WorkloadStatus still = awaitPhase(fourth, "restart", "Succeeded");
        anotherPass(fourth);
        assertThat(containersOf("restart")).isEmpty();
        assertThat(still.getJob().getAttempts()).isEqualTo(1);
        assertThat(status(fourth, "restart").orElseThrow().getJob().getContainerRemoved()).isTrue();
    }

    @Test
    void withItsRecordLostTheRunningContainerIsAdoptedNotRunAgain() throws Exception {
        JobSpec.Builder waitsForGo = job("lost", "while [ ! -f /data/go ]; do sleep 0.1; done");
        waitsForGo.getContainerBuilder()
                .addMounts(HostMount.newBuilder().setHostPath(hostData.toString()).setContainerPath("/data"));
        publish(1, waitsForGo.build());
        ReconcileLoop first = startLoop();
        String id = awaitPhase(first, "lost", "Running").getContainerId();
        stop(first);
        loseJobRecords();

        ReconcileLoop second = startLoop();
        WorkloadStatus adopted = awaitPhase(second, "lost", "Running");
        assertThat(adopted.getContainerId()).isEqualTo(id);
        assertThat(adopted.getJob().getAttempts()).as("from its job-attempt label").isEqualTo(1);
        Files.writeString(hostData.resolve("go"), "");
        assertThat(awaitPhase(second, "lost", "Succeeded").getJob().getAttempts()).isEqualTo(1);
        assertThat(containersOf("lost")).extracting(InspectContainerResponse::getId).containsExactly(id);
    }

    @Test
    void adoptedFromWhatOnlyIdentifiesTheJobItsOutputIsWithheldNotLeaked() throws Exception {
        JobSpec.Builder leaks = job("stub", "echo \"token=$TOKEN\"; while [ ! -f /data/go ]; do sleep 0.1; done; exit 1")
                .setBackoffLimit(0);
        leaks.getContainerBuilder()
                .addMounts(HostMount.newBuilder().setHostPath(hostData.toString()).setContainerPath("/data"));
        JobSpec full = leaks.build();
        publish(1, full);
        ReconcileLoop first = startLoop();
        String id = awaitPhase(first, "stub", "Running").getContainerId();
        stop(first);
        loseJobRecords();
        // the hub saw it begin, so it sends only what identifies the job: no env, no secret values
        JobSpec stub = JobSpec.newBuilder().setContainer(ContainerSpec.newBuilder().setWorkload(workload("stub"))
                .setContainerName(full.getContainer().getContainerName())).setSpecDigest(full.getSpecDigest())
                .setStarted(true).build();
        publish(2, stub);

        ReconcileLoop second = startLoop();
        assertThat(awaitPhase(second, "stub", "Running").getContainerId()).isEqualTo(id);
        Files.writeString(hostData.resolve("go"), "");
        WorkloadStatus failed = awaitPhase(second, "stub", "Failed");
        assertThat(failed.getMessage()).contains("exited with code 1", "not shown").doesNotContain(SECRET);
    }

    @Test
    void anAttemptRecordedAsStartingIsRunOnceWhetherOrNotItsContainerWasCreated() throws Exception {
        // the agent died after writing "attempt 1 starting" and before creating the container
        JobSpec notCreated = job("ahead", "exit 0").build();
        records().save(JobRecord.begin(notCreated, Instant.now()).starting(1, "", ""));
        // ... and another one died after creating its container, before starting it
        JobSpec createdOnly = job("created", "exit 0").build();
        records().save(JobRecord.begin(createdOnly, Instant.now()).starting(1, "", ""));
        JobRules rules = new JobRules(host.getUid(), new SecretLayout(stateDir.resolve("secrets")),
                MountGuard.of(stateDir, DOCKER_HOST, new HostPaths(Path.of("/"), stateDir)), FAST);
        String createdId = new DockerExecutor(docker, Duration.ofMinutes(1)).create(rules.attemptContainer(createdOnly, 1));

        publish(1, notCreated, createdOnly);
        ReconcileLoop loop = startLoop();
        WorkloadStatus ahead = awaitPhase(loop, "ahead", "Succeeded");
        WorkloadStatus created = awaitPhase(loop, "created", "Succeeded");
        assertThat(ahead.getJob().getAttempts()).as("run, not counted twice").isEqualTo(1);
        assertThat(containersOf("ahead")).singleElement()
                .satisfies(c -> assertThat(c.getConfig().getLabels()).containsEntry(ManagedContainers.JOB_ATTEMPT, "1"));
        assertThat(created.getJob().getAttempts()).isEqualTo(1);
        assertThat(created.getContainerId()).as("adopted and started, no second container").isEqualTo(createdId);
        assertThat(containersOf("created")).hasSize(1);
    }

    @Test
    void aJobTheHubSaysFinishedIsNeverStartedAndADeletedJobGoesWithItsRecord() throws Exception {
        JobSpec finished = job("finished", "exit 0")
                .setFinished(JobOutcome.newBuilder().setSucceeded(true).setCompletionTime("2030-01-01T00:00:00Z")).build();
        JobSpec.Builder sleeps = job("deleted", "sleep 3600");
        sleeps.getContainerBuilder().addSecretFiles(SecretFiles.newBuilder().setSecretName("creds")
                .setMountPath("/etc/creds").addFiles(SecretFile.newBuilder().setName("token")
                        .setContent(ByteString.copyFromUtf8("v1"))));
        JobSpec sleeper = sleeps.build();
        publish(1, finished, sleeper);
        ReconcileLoop loop = startLoop();
        awaitPhase(loop, "deleted", "Running");
        WorkloadStatus done = awaitPhase(loop, "finished", "Succeeded");
        assertThat(done.getJob().getAttempts()).isZero();
        assertThat(done.getJob().getCompletionTime()).isEqualTo("2030-01-01T00:00:00Z");
        anotherPass(loop);
        assertThat(containersOf("finished")).isEmpty();

        publish(2, finished);
        loop.desiredStateChanged();
        await().atMost(WAIT).until(() -> containersOf("deleted").isEmpty());
        await().atMost(WAIT).until(() -> status(loop, "deleted").isEmpty());
        assertThat(records().get(workload("deleted").getUid())).isEmpty();
        assertThat(stateDir.resolve("jobs").resolve(workload("deleted").getUid() + ".json")).doesNotExist();
        assertThat(stateDir.resolve("secrets").resolve(workload("deleted").getUid())).doesNotExist();
        assertThat(loop.status().latest().orElseThrow().getObservedRevision()).isEqualTo(2);
    }
}
