package io.kdop.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Ports;
import com.google.protobuf.ByteString;
import io.kdop.agent.hostfs.HostPaths;
import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DockerClients;
import io.kdop.engine.docker.DockerObserver;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.plan.Planner;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.run.ReconcileLoop;
import io.kdop.engine.secrets.SecretLayout;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.HealthCheck;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.PortBinding;
import io.kdop.proto.v1.RegistryCredential;
import io.kdop.proto.v1.Resources;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler against the real Docker daemon and the local test image. With CI=true an
 * unreachable daemon fails these tests instead of skipping them.
 */
@Timeout(120)
class ReconcileLoopDockerTest {

    private static final String DOCKER_HOST = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final String IMAGE = "kdop-test/busybox:1";
    /** Served by scripts/test-registry.sh: basic auth with these test fixtures. */
    private static final String REGISTRY_IMAGE = "127.0.0.1:5000/kdop/busybox:1";
    private static final String REGISTRY_USER = "kdop-test";
    private static final String REGISTRY_PASSWORD = "kdop-test-password";
    /** Long: the tests prove that events, not the periodic resync, drive the repairs. */
    private static final Duration NO_RESYNC = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A container that stops at once on SIGTERM (PID 1 has no default signal handlers). */
    private static final List<String> SERVE = List.of("sh", "-c",
            "trap 'exit 0' TERM; httpd -p 8080 -h /tmp; while true; do sleep 1 & wait $!; done");

    private static DockerClient docker;

    @TempDir
    Path stateDir;
    @TempDir
    Path hostData;
    @TempDir
    Path sockets;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    /** In the namespace of the test workloads: the host's default policy takes them. */
    private final HostIdentity host = HostIdentity.newBuilder().setNamespace("shop").setName("edge-test")
            .setUid("test-host-" + suffix).build();
    private final AtomicReference<DesiredState> desired = new AtomicReference<>();
    private final List<ReconcileLoop> loops = new ArrayList<>();
    private final List<String> foreign = new ArrayList<>();
    private final List<String> pulledImages = new ArrayList<>();
    /** Between a loop and the daemon when a test counts the loop's Docker calls; closed after the loops. */
    private CountingDockerSocket dockerCalls;

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
    void cleanUp() throws Exception {
        loops.forEach(ReconcileLoop::close);
        if (dockerCalls != null) {
            dockerCalls.close();
        }
        List<Container> mine = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ManagedContainers.HOST_UID, host.getUid())).exec();
        for (String id : concat(mine.stream().map(Container::getId).toList(), foreign)) {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone
            }
        }
        pulledImages.forEach(ReconcileLoopDockerTest::removeImage);
    }

    private static void removeImage(String image) {
        try {
            docker.removeImageCmd(image).withForce(true).exec();
        } catch (NotFoundException e) {
            // not there
        }
    }

    /** The test registry answers (401 without credentials), started by scripts/test-registry.sh if it is not. */
    private static void requireRegistry() throws Exception {
        if (registryAnswers()) {
            return;
        }
        Process start = new ProcessBuilder("bash", "../scripts/test-registry.sh").inheritIO().start();
        boolean started = start.waitFor(60, TimeUnit.SECONDS) && start.exitValue() == 0 && registryAnswers();
        if (!started && "true".equals(System.getenv("CI"))) {
            fail("the test registry on 127.0.0.1:5000 did not start (CI=true: registry tests must run)");
        }
        assumeTrue(started, "no test registry on 127.0.0.1:5000 (scripts/test-registry.sh)");
    }

    private static boolean registryAnswers() {
        try {
            var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:5000/v2/"))
                    .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 401;
        } catch (Exception e) {
            return false;
        }
    }

    private ReconcileLoop startLoop() throws Exception {
        return startLoop(DOCKER_HOST);
    }

    private ReconcileLoop startLoop(String dockerHost) throws Exception {
        ReconcileLoop loop = LocalReconciler.start(dockerHost, stateDir, NO_RESYNC, host,
                () -> Optional.ofNullable(desired.get()), Clock.systemUTC());
        loops.add(loop);
        return loop;
    }

    /** Asks for a full pass and waits until it has finished. */
    private static void anotherPass(ReconcileLoop loop) {
        long done = loop.completedPasses();
        loop.desiredStateChanged();
        await().atMost(WAIT).until(() -> loop.completedPasses() > done);
    }

    private static void stop(ReconcileLoop loop) {
        loop.close();
    }

    private static WorkloadRef workload(String name) {
        return WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace("shop").setName(name)
                .setUid("uid-" + name).build();
    }

    private static Optional<WorkloadStatus> status(ReconcileLoop loop, String workloadName) {
        return loop.status().latest().flatMap(r -> r.getWorkloadsList().stream()
                .filter(w -> w.getWorkload().getName().equals(workloadName)).findFirst());
    }

    private static boolean phase(ReconcileLoop loop, String workloadName, String phase) {
        return status(loop, workloadName).map(s -> s.getPhase().equals(phase)).orElse(false);
    }

    private Optional<InspectContainerResponse> container(String name) {
        try {
            return Optional.of(docker.inspectContainerCmd(name).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private InspectContainerResponse runningContainer(String name) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> container(name), c -> c.isPresent() && Boolean.TRUE.equals(c.get().getState().getRunning()))
                .orElseThrow();
    }

    private void publish(long revision, ContainerSpec... specs) {
        desired.set(DesiredState.newBuilder().setRevision(revision).setDigest("d" + revision)
                .addAllContainers(List.of(specs)).build());
    }

    private ContainerSpec.Builder web(String name, int hostPort, String secretValue) {
        return ContainerSpec.newBuilder()
                .setWorkload(workload("web"))
                .setContainerName(name)
                .setImage(IMAGE)
                .addAllCommand(SERVE)
                .addEnv(EnvVar.newBuilder().setName("MODE").setValue("one"))
                .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("token-from-secret").setFromSecret(true))
                .addPorts(PortBinding.newBuilder().setHostIp("127.0.0.1").setHostPort(hostPort).setContainerPort(8080))
                .addMounts(HostMount.newBuilder().setHostPath(hostData.toString()).setContainerPath("/data").setReadOnly(true))
                .addSecretFiles(SecretFiles.newBuilder().setSecretName("creds").setMountPath("/etc/creds")
                        .addFiles(SecretFile.newBuilder().setName("token").setContent(ByteString.copyFromUtf8(secretValue))))
                .setHealthCheck(HealthCheck.newBuilder().addAllTest(List.of("CMD", "true")).setIntervalMillis(500)
                        .setTimeoutMillis(2000).setRetries(2))
                .setResources(Resources.newBuilder().setNanoCpus(500_000_000).setMemoryBytes(64L << 20));
    }

    @Test
    void aContainerTheHostsPolicyRefusesIsNeverCreatedWhateverTheHubSent() throws Exception {
        String hostNetwork = "kdop-test-hostnet-" + suffix;
        String guest = "kdop-test-guest-" + suffix;
        String allowed = "kdop-test-allowed-" + suffix;
        ContainerSpec.Builder sleeper = ContainerSpec.newBuilder().setImage(IMAGE).addAllCommand(List.of("sleep", "3600"));
        desired.set(DesiredState.newBuilder().setRevision(1).setDigest("d1")
                .setPolicy(io.kdop.proto.v1.HostPolicy.newBuilder().setAllowHostNetwork(false))
                .addContainers(sleeper.clone().setWorkload(workload("hostnet")).setContainerName(hostNetwork)
                        .setNetworkMode("host"))
                .addContainers(sleeper.clone().setWorkload(workload("guest").toBuilder().setNamespace("other-team"))
                        .setContainerName(guest))
                .addContainers(sleeper.clone().setWorkload(workload("allowed")).setContainerName(allowed))
                .build());
        ReconcileLoop loop = startLoop();

        runningContainer(allowed);
        await().atMost(WAIT).until(() -> phase(loop, "hostnet", "Failed") && phase(loop, "guest", "Failed"));
        assertThat(status(loop, "hostnet").orElseThrow().getReason()).isEqualTo("PolicyDenied");
        assertThat(status(loop, "hostnet").orElseThrow().getMessage()).contains("DockerHost shop/edge-test",
                "spec.policy.allowHostNetwork is false");
        assertThat(status(loop, "guest").orElseThrow().getMessage()).contains("namespace other-team");
        anotherPass(loop);
        assertThat(container(hostNetwork)).isEmpty();
        assertThat(container(guest)).isEmpty();
    }

    @Test
    void createsKeepsAndRepairsAContainer() throws Exception {
        String name = "kdop-test-web-" + suffix;
        int port = freePort();
        Files.writeString(hostData.resolve("hello.txt"), "from the host");
        publish(1, web(name, port, "v1").build());
        ReconcileLoop loop = startLoop();

        // created from the spec: Docker shows every setting
        await().atMost(WAIT).until(() -> status(loop, "web").map(s -> s.getHealth().equals("healthy")).orElse(false));
        InspectContainerResponse first = runningContainer(name);
        WorkloadStatus running = status(loop, "web").orElseThrow();
        assertThat(running.getPhase()).isEqualTo("Running");
        assertThat(running.getContainerId()).isEqualTo(first.getId());
        assertThat(running.getIpv4()).isEqualTo(first.getNetworkSettings().getNetworks().get("bridge").getIpAddress())
                .isNotEmpty();
        assertThat(running.getStartedAt()).isEqualTo(first.getState().getStartedAt());
        assertThat(running.getObservedRevision()).isEqualTo(1);
        // the published port reaches the container's httpd (a bare connect proves nothing: Docker's
        // proxy accepts on the host port whether or not anything listens behind it)
        exec(name, "sh", "-c", "echo served-by-" + name + " > /tmp/kdop-ping.txt");
        await("the published port answers with the container's file").atMost(WAIT).ignoreExceptions()
                .until(() -> httpGet(port, "/kdop-ping.txt"), ("200 served-by-" + name)::equals);
        assertThat(first.getConfig().getEnv()).contains("MODE=one", "TOKEN=token-from-secret", "PATH=/bin");
        assertThat(first.getConfig().getCmd()).containsExactlyElementsOf(SERVE);
        assertThat(first.getConfig().getLabels()).containsEntry(ManagedContainers.MANAGED_BY, "kdop-agent")
                .containsEntry(ManagedContainers.HOST_UID, host.getUid())
                .containsEntry(ManagedContainers.WORKLOAD_UID, "uid-web")
                .containsEntry(ManagedContainers.WORKLOAD_NAMESPACE, "shop")
                .containsEntry(ManagedContainers.WORKLOAD_NAME, "web")
                .containsEntry(ManagedContainers.WORKLOAD_KIND, "DockerContainer")
                .containsKey(ManagedContainers.SPEC_HASH);
        assertThat(first.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(first.getHostConfig().getMemory()).isEqualTo(64L << 20);
        assertThat(first.getHostConfig().getRestartPolicy().getName()).isEqualTo("always");
        Ports.Binding[] bindings = first.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(8080));
        assertThat(bindings).extracting(Ports.Binding::getHostIp, Ports.Binding::getHostPortSpec)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", Integer.toString(port)));
        Path secretDir = stateDir.resolve("secrets/uid-web/0").toAbsolutePath();
        assertThat(Arrays.stream(first.getHostConfig().getBinds()).map(Object::toString).toList())
                .containsExactlyInAnyOrder(hostData + ":/data:ro", secretDir + ":/etc/creds:ro");
        assertThat(first.getConfig().getHealthcheck().getTest()).containsExactly("CMD", "true");
        assertThat(first.getConfig().getHealthcheck().getInterval()).isEqualTo(500_000_000L);
        assertThat(exec(name, "cat", "/data/hello.txt")).isEqualTo("from the host");
        assertThat(exec(name, "cat", "/etc/creds/token")).isEqualTo("v1");
        assertThat(execAs("1000:1000", name, "cat", "/etc/creds/token")).as("a non-root user reads it too")
                .isEqualTo("v1");
        assertThat(planNow()).as("what kdop created reads back as desired").containsOnly(WorkloadPlan.Action.NONE);

        // a rotated Secret: new content in the running container, same container
        publish(2, web(name, port, "v2").build());
        loop.desiredStateChanged();
        await().atMost(WAIT).until(() -> exec(name, "cat", "/etc/creds/token").equals("v2"));
        assertThat(docker.inspectContainerCmd(name).exec().getState().getStartedAt()).isEqualTo(first.getState().getStartedAt());
        assertThat(docker.inspectContainerCmd(name).exec().getId()).isEqualTo(first.getId());

        // docker stop under restart policy always: the agent starts it again (declared state wins)
        docker.stopContainerCmd(name).withTimeout(5).exec();
        await().atMost(WAIT).until(() -> container(name).map(c -> c.getState().getRunning()
                && !c.getState().getStartedAt().equals(first.getState().getStartedAt())).orElse(false));
        assertThat(docker.inspectContainerCmd(name).exec().getId()).isEqualTo(first.getId());
        await().atMost(WAIT).until(() -> status(loop, "web").map(s -> s.getRestartCount() == 1).orElse(false));

        // docker rm -f: re-created through the events path (the resync is an hour away)
        long removed = System.nanoTime();
        docker.removeContainerCmd(name).withForce(true).exec();
        InspectContainerResponse recreated = runningContainer(name);
        assertThat(Duration.ofNanos(System.nanoTime() - removed)).isLessThan(Duration.ofSeconds(5));
        assertThat(recreated.getId()).isNotEqualTo(first.getId());
        await().atMost(WAIT).until(() -> status(loop, "web").map(s -> s.getContainerId().equals(recreated.getId())
                && s.getRestartCount() == 2).orElse(false));

        // docker update out of band: corrected by re-creation
        docker.updateContainerCmd(name).withNanoCPUs(250_000_000L).exec();
        InspectContainerResponse corrected = await().atMost(WAIT)
                .until(() -> container(name), c -> c.isPresent() && !c.get().getId().equals(recreated.getId())
                        && c.get().getState().getRunning())
                .orElseThrow();
        assertThat(corrected.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);

        // a changed env: re-created with the new value
        publish(3, web(name, port, "v2").setEnv(0, EnvVar.newBuilder().setName("MODE").setValue("two")).build());
        loop.desiredStateChanged();
        InspectContainerResponse changed = await().atMost(WAIT)
                .until(() -> container(name), c -> c.isPresent() && !c.get().getId().equals(corrected.getId())
                        && c.get().getState().getRunning())
                .orElseThrow();
        assertThat(changed.getConfig().getEnv()).contains("MODE=two").doesNotContain("MODE=one");
        assertThat(exec(name, "cat", "/etc/creds/token")).isEqualTo("v2");

        // while no agent runs, someone re-creates it by hand with kdop's labels but other env
        stop(loop);
        docker.removeContainerCmd(name).withForce(true).exec();
        String byHand = docker.createContainerCmd(IMAGE).withName(name).withLabels(changed.getConfig().getLabels())
                .withCmd(SERVE).withEnv("MODE=by-hand", "TOKEN=token-from-secret")
                .withHostConfig(changed.getHostConfig()).exec().getId();
        docker.startContainerCmd(byHand).exec();
        ReconcileLoop second = startLoop();
        InspectContainerResponse fixed = await().atMost(WAIT)
                .until(() -> container(name), c -> c.isPresent() && !c.get().getId().equals(byHand)
                        && c.get().getState().getRunning())
                .orElseThrow();
        assertThat(fixed.getConfig().getEnv()).contains("MODE=two");
        await().atMost(WAIT).until(() -> phase(second, "web", "Running"));

        // an agent restart on the same state dir leaves a matching running container alone
        stop(second);
        ReconcileLoop third = startLoop();
        await().atMost(WAIT).until(() -> phase(third, "web", "Running"));
        anotherPass(third); // one more full pass for good measure
        InspectContainerResponse after = docker.inspectContainerCmd(name).exec();
        assertThat(after.getId()).isEqualTo(fixed.getId());
        assertThat(after.getState().getStartedAt()).isEqualTo(fixed.getState().getStartedAt());
        assertThat(status(third, "web").orElseThrow().getContainerId()).isEqualTo(fixed.getId());

        // no longer desired: removed, and its secret files with it
        publish(4);
        third.desiredStateChanged();
        await().atMost(WAIT).until(() -> container(name).isEmpty());
        await().atMost(WAIT).until(() -> third.status().latest().map(r -> r.getWorkloadsCount() == 0).orElse(false));
        assertThat(stateDir.resolve("secrets/uid-web")).doesNotExist();
    }

    @Test
    void undesiredContainersAreStoppedTogetherNotOneAfterAnother() throws Exception {
        // `sleep` as PID 1 ignores SIGTERM, so each stop waits out the whole grace period
        String a = "kdop-test-slow-a-" + suffix;
        String b = "kdop-test-slow-b-" + suffix;
        publish(1, slow("slow-a", a), slow("slow-b", b));
        ReconcileLoop loop = startLoop();
        String idA = runningContainer(a).getId();
        String idB = runningContainer(b).getId();
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscription = docker.eventsCmd().withContainerFilter(idA, idB).withEventFilter("kill", "die")
                .exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Event event) {
                        events.add(event.getAction() + ":" + event.getActor().getAttributes().getOrDefault("signal", ""));
                    }
                });
        try {
            publish(2);
            loop.desiredStateChanged();
            await().atMost(Duration.ofSeconds(40)).until(() -> container(a).isEmpty() && container(b).isEmpty());
            await().atMost(WAIT).until(() -> events.stream().filter(e -> e.startsWith("die")).count() == 2);
        } finally {
            subscription.close();
        }
        // Both got their SIGTERM before either died: the graceful stops overlapped.
        int firstDeath = events.indexOf(events.stream().filter(e -> e.startsWith("die")).findFirst().orElseThrow());
        assertThat(events.subList(0, firstDeath)).as("events " + events).filteredOn("kill:15"::equals).hasSize(2);
    }

    private ContainerSpec slow(String workloadName, String containerName) {
        return ContainerSpec.newBuilder().setWorkload(workload(workloadName)).setContainerName(containerName)
                .setImage(IMAGE).addAllCommand(List.of("sleep", "3600")).build();
    }

    @Test
    void aPullThatHangsHoldsUpOnlyItsOwnWorkload() throws Exception {
        dockerCalls = new CountingDockerSocket(DOCKER_HOST, sockets);
        try (SilentRegistry registry = new SilentRegistry()) {
            String slowImage = registry.image("kdop-test/slow:1");
            ContainerSpec slow = ContainerSpec.newBuilder().setWorkload(workload("slow"))
                    .setContainerName("kdop-test-slow-" + suffix).setImage(slowImage).build();
            String quick = "kdop-test-quick-" + suffix;
            ContainerSpec quickSpec = ContainerSpec.newBuilder().setWorkload(workload("quick")).setContainerName(quick)
                    .setImage(IMAGE).addAllCommand(List.of("sleep", "3600")).build();
            publish(1, slow, quickSpec);
            ReconcileLoop loop = startLoop(dockerCalls.dockerHost());

            await().atMost(WAIT).until(() -> phase(loop, "quick", "Running") && phase(loop, "slow", "Pulling"));
            assertThat(status(loop, "slow").orElseThrow().getMessage()).startsWith("pulling image " + slowImage);
            assertThat(registry.pulling()).as("Docker is in the pull").isTrue();

            // while the pull hangs, a container removed by hand is repaired at once
            String before = runningContainer(quick).getId();
            docker.removeContainerCmd(quick).withForce(true).exec();
            await().atMost(WAIT).until(() -> container(quick).filter(c -> !c.getId().equals(before))
                    .map(c -> Boolean.TRUE.equals(c.getState().getRunning())).orElse(false));
            anotherPass(loop);
            anotherPass(loop);
            assertThat(phase(loop, "slow", "Pulling")).as("still pulling").isTrue();
            assertThat(dockerCalls.pullsOf(slowImage)).as("one pull for all the passes; Docker was asked:%n%s",
                    String.join("\n", dockerCalls.requests())).isEqualTo(1);

            // the registry goes away: the pull fails, and that is what the workload's status says
            registry.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> phase(loop, "slow", "Failed"));
            assertThat(status(loop, "slow").orElseThrow().getReason()).isEqualTo("ImagePullFailed");
        }
    }

    @Test
    void isolatesFailuresAndNeverTouchesAForeignContainer() throws Exception {
        String taken = "kdop-test-taken-" + suffix;
        String foreignId = docker.createContainerCmd(IMAGE).withName(taken).withCmd("true").exec().getId();
        foreign.add(foreignId);
        ContainerSpec conflict = ContainerSpec.newBuilder().setWorkload(workload("conflict")).setContainerName(taken)
                .setImage(IMAGE).build();
        ContainerSpec badImage = ContainerSpec.newBuilder().setWorkload(workload("bad")).setContainerName("kdop-test-bad-" + suffix)
                .setImage("127.0.0.1:1/kdop-test/nope:1").build();
        String jobName = "kdop-test-job-" + suffix;
        ContainerSpec job = ContainerSpec.newBuilder().setWorkload(workload("job")).setContainerName(jobName)
                .setImage(IMAGE).addAllCommand(List.of("sh", "-c", "exit 3"))
                .setRestartPolicy(io.kdop.proto.v1.RestartPolicy.RESTART_NO).build();
        publish(1, conflict, badImage, job);
        ReconcileLoop loop = startLoop();

        await().atMost(WAIT).until(() -> phase(loop, "conflict", "Failed") && phase(loop, "bad", "Failed")
                && phase(loop, "job", "Exited"));
        WorkloadStatus conflictStatus = status(loop, "conflict").orElseThrow();
        assertThat(conflictStatus.getReason()).isEqualTo("NameConflict");
        assertThat(conflictStatus.getMessage())
                .isEqualTo("a container named " + taken + " that kdop did not create holds the name; it is left alone");
        WorkloadStatus bad = status(loop, "bad").orElseThrow();
        assertThat(bad.getReason()).isEqualTo("ImagePullFailed");
        assertThat(bad.getMessage()).startsWith("cannot pull image 127.0.0.1:1/kdop-test/nope:1: ")
                .contains("connection refused").contains("attempt 1");
        WorkloadStatus exited = status(loop, "job").orElseThrow();
        assertThat(exited.getExitCode()).isEqualTo(3);
        String jobId = exited.getContainerId();

        // another full pass: the exited container (policy no) is not restarted, the foreign one not touched
        anotherPass(loop);
        InspectContainerResponse foreignNow = docker.inspectContainerCmd(taken).exec();
        assertThat(foreignNow.getId()).isEqualTo(foreignId);
        assertThat(foreignNow.getState().getStatus()).isEqualTo("created");
        assertThat(foreignNow.getConfig().getLabels()).doesNotContainKey(ManagedContainers.MANAGED_BY);
        InspectContainerResponse jobNow = docker.inspectContainerCmd(jobName).exec();
        assertThat(jobNow.getId()).isEqualTo(jobId);
        assertThat(jobNow.getState().getStatus()).isEqualTo("exited");
        assertThat(status(loop, "bad").orElseThrow().getMessage()).as("backing off, not retried at every pass")
                .contains("attempt 1");
    }

    @Test
    void pullsFromAPrivateRegistryWithTheCredentialForItsHost() throws Exception {
        requireRegistry();
        removeImage(REGISTRY_IMAGE); // it must really be pulled
        pulledImages.add(REGISTRY_IMAGE);
        String name = "kdop-test-private-" + suffix;
        ContainerSpec.Builder spec = ContainerSpec.newBuilder().setWorkload(workload("private")).setContainerName(name)
                .setImage(REGISTRY_IMAGE).addAllCommand(SERVE)
                .addRegistryCredentials(RegistryCredential.newBuilder().setServer("registry.example.org")
                        .setUsername(REGISTRY_USER).setPassword(REGISTRY_PASSWORD)); // another registry's: not sent
        publish(1, spec.clone().addRegistryCredentials(RegistryCredential.newBuilder().setServer("http://127.0.0.1:5000/")
                .setUsername(REGISTRY_USER).setPassword("wrong-password-7f3a")).build());
        ReconcileLoop loop = startLoop();
        await().atMost(WAIT).until(() -> phase(loop, "private", "Failed"));
        WorkloadStatus denied = status(loop, "private").orElseThrow();
        assertThat(denied.getReason()).isEqualTo("ImagePullFailed");
        assertThat(denied.getMessage()).startsWith("cannot pull image " + REGISTRY_IMAGE + ": ")
                .doesNotContain("wrong-password-7f3a").doesNotContain(REGISTRY_PASSWORD);

        // the pull secret fixed: tried again at once, not after the backoff
        publish(2, spec.clone().addRegistryCredentials(RegistryCredential.newBuilder().setServer("127.0.0.1:5000")
                .setUsername(REGISTRY_USER).setPassword(REGISTRY_PASSWORD)).build());
        long fixed = System.nanoTime();
        loop.desiredStateChanged();
        await().atMost(WAIT).until(() -> phase(loop, "private", "Running"));
        assertThat(Duration.ofNanos(System.nanoTime() - fixed)).isLessThan(FailureTracker.FIRST_RETRY);
        assertThat(runningContainer(name).getConfig().getImage()).isEqualTo(REGISTRY_IMAGE);
    }

    private List<WorkloadPlan.Action> planNow() {
        DockerObserver observer = new DockerObserver(docker, host.getUid());
        SecretLayout layout = new SecretLayout(stateDir.resolve("secrets"));
        List<DesiredContainer> wanted = desired.get().getContainersList().stream()
                .map(s -> DesiredContainer.of(s, host.getUid(), layout, MountGuard.of(stateDir, DOCKER_HOST,
                        new HostPaths(Path.of("/"), stateDir)))).toList();
        var observed = observer.observe(Set.copyOf(wanted.stream().map(DesiredContainer::name).toList()),
                Set.copyOf(wanted.stream().map(d -> d.config().image()).toList()));
        return Planner.plan(wanted, observed).stream().map(WorkloadPlan::action).toList();
    }

    private static String exec(String container, String... cmd) throws InterruptedException {
        return execAs("", container, cmd);
    }

    /** docker exec as the given user ("" for the image's). */
    private static String execAs(String user, String container, String... cmd) throws InterruptedException {
        String execId = docker.execCreateCmd(container).withUser(user).withCmd(cmd).withAttachStdout(true)
                .withAttachStderr(true).exec().getId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                out.writeBytes(frame.getPayload());
            }
        }).awaitCompletion(10, TimeUnit.SECONDS);
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    /** Status code and body of an HTTP GET of {@code path} on the host's loopback port. */
    private static String httpGet(int port, String path) throws Exception {
        var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().strip();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
