package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Deployments;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.PrivateDockerDaemon;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DockerDeployment on two real Docker hosts (the shared daemon and a private one, each with its
 * own agent process): spread, scaling, a rolling update that never drops below
 * replicas - maxUnavailable ready, an update with a failing health check that stops with the old
 * replicas serving, a rollback; and failover, opt in, when a host's agent goes away.
 */
class DockerDeploymentIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PREFIX = "kdop-dep-";
    private static final String WEB = PREFIX + "web";
    private static final String V1 = "kdop-test/busybox:1";
    private static final String V2 = "kdop-test/busybox:2";
    /** Exits at once on SIGTERM (a plain sleep as PID 1 ignores it and waits out Docker's stop timeout). */
    private static final String[] SERVE = {"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"};

    @TempDir
    Path work;

    private PrivateDockerDaemon docker2;
    private ApiServerStandIn api;
    private HubProcess hub;
    private AgentProcess agent1;
    private AgentProcess agent2;
    private Deployments deployments;

    @AfterEach
    void stopAll() {
        Teardown.closeAll(agent1, agent2, hub, api, docker2);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void spreadsScalesAndRollsOutGatedOnHealth() throws Exception {
        startTwoHosts();
        DeploymentStrategy oneAtATime = new DeploymentStrategy("RollingUpdate",
                new DeploymentStrategy.RollingUpdate(new IntOrString(1), new IntOrString(1)));
        deployments.apply(WEB, Deployments.spec("web", 4, "edge", container(V1).build(), oneAtATime, 20, null));
        DockerDeploymentStatus four = deployments.await(WEB, "4 available", Deployments.settled(4), TIMEOUT);
        assertThat(four.hosts()).isEqualTo(Map.of("edge-1", 2, "edge-2", 2));
        assertThat(running()).as("what runs in Docker").isEqualTo(Map.of("edge-1", 2, "edge-2", 2));
        assertThat(four.ready()).isEqualTo("4/4");
        assertThat(Deployments.condition(four, "Progressing")).startsWith("True NewReplicaSetAvailable");

        deployments.scale(WEB, 6);
        assertThat(deployments.await(WEB, "6 available", Deployments.settled(6), TIMEOUT).hosts())
                .isEqualTo(Map.of("edge-1", 3, "edge-2", 3));
        deployments.scale(WEB, 1);
        deployments.await(WEB, "1 available", Deployments.settled(1), TIMEOUT);
        await("one container left in Docker").atMost(TIMEOUT).until(() -> total(running()) == 1);
        deployments.scale(WEB, 4);
        deployments.await(WEB, "4 available again", Deployments.settled(4), TIMEOUT);
        await("4 containers in Docker").atMost(TIMEOUT).until(() -> running().equals(Map.of("edge-1", 2, "edge-2", 2)));

        // rolling update of the image, maxUnavailable 1: watched all along
        String v1Revision = deployments.get(WEB).getStatus().revision();
        AtomicLong fewestReady = new AtomicLong(Long.MAX_VALUE);
        AtomicLong samples = new AtomicLong();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            while (watching.get()) {
                fewestReady.accumulateAndGet(deployments.readyReplicas(WEB), Math::min);
                samples.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        deployments.apply(WEB, Deployments.spec("web", 4, "edge", container(V2).build(), oneAtATime, 20, null));
        DockerDeploymentStatus v2 = deployments.await(WEB, "rolled out to " + V2,
                s -> !v1Revision.equals(s.revision()) && Deployments.settled(4).test(s), TIMEOUT);
        watching.set(false);
        watcher.join();
        assertThat(samples.get()).as("the watcher saw the rollout").isGreaterThan(10);
        assertThat(fewestReady.get()).as("ready replicas at any observed moment of the rollout").isGreaterThanOrEqualTo(3);
        assertThat(v2.hosts()).isEqualTo(Map.of("edge-1", 2, "edge-2", 2));
        await("only " + V2 + " runs").atMost(TIMEOUT).until(() -> images().equals(Set.of(V2)));

        // a template whose health check always fails: the rollout stops, old replicas serve, the condition says why
        Set<String> servingBefore = names(deployments.replicas(WEB));
        deployments.apply(WEB, Deployments.spec("web", 4, "edge",
                container(V1).healthCheck("1s", "CMD-SHELL", "test -f /nonexistent").build(), oneAtATime, 20, null));
        DockerDeploymentStatus stuck = deployments.await(WEB, "Progressing=False ProgressDeadlineExceeded",
                s -> Deployments.condition(s, "Progressing").startsWith("False ProgressDeadlineExceeded"), TIMEOUT);
        assertThat(Deployments.condition(stuck, "Progressing")).contains("made no progress for 20s", "Unhealthy");
        Set<String> oldStill = names(deployments.replicas(WEB));
        oldStill.retainAll(servingBefore);
        assertThat(oldStill).as("old replicas still there").hasSizeGreaterThanOrEqualTo(3);
        assertThat(deployments.readyReplicas(WEB)).as("and serving").isGreaterThanOrEqualTo(3);
        assertThat(stuck.updatedReplicas()).as("stopped at maxSurge + maxUnavailable new ones").isEqualTo(2);
        assertThat(Deployments.condition(stuck, "Available")).startsWith("True MinimumReplicasAvailable");

        // applying the previous template is a rollback, the same way
        deployments.apply(WEB, Deployments.spec("web", 4, "edge", container(V2).build(), oneAtATime, 20, null));
        DockerDeploymentStatus back = deployments.await(WEB, "back on " + V2, Deployments.settled(4), TIMEOUT);
        assertThat(back.revision()).isEqualTo(v2.revision());
        assertThat(names(deployments.replicas(WEB))).as("the old replicas kept").containsAll(oldStill);

        // deleting the deployment takes its replicas off both hosts
        deployments.delete(WEB);
        await("no container left in Docker").atMost(TIMEOUT).until(() -> total(running()) == 0);
        await("no DockerContainer left").atMost(TIMEOUT).until(() -> api.client()
                .resources(DockerContainer.class).inNamespace(Cluster.NS).list().getItems().isEmpty());
    }

    @Test
    void replicasOfAFailedHostMoveOnlyWithFailoverAndTheExtrasGoWhenItReturns() throws Exception {
        startTwoHosts();
        String still = PREFIX + "still";
        deployments.apply(WEB, Deployments.spec("web", 2, "edge", container(V1).build(), null, null, "5s"));
        deployments.apply(still, Deployments.spec("still", 2, "edge", container(V1).build(), null, null, null));
        assertThat(deployments.await(WEB, "2 available", Deployments.settled(2), TIMEOUT).hosts())
                .isEqualTo(Map.of("edge-1", 1, "edge-2", 1));
        assertThat(deployments.await(still, "2 available", Deployments.settled(2), TIMEOUT).hosts())
                .isEqualTo(Map.of("edge-1", 1, "edge-2", 1));

        agent2.stop();
        new Cluster(api.client()).awaitPhase("edge-2", "Disconnected", TIMEOUT);
        DockerDeploymentStatus moved = deployments.await(WEB, "both replicas on edge-1",
                s -> Map.of("edge-1", 2).equals(s.hosts()) && s.availableReplicas() == 2, TIMEOUT);
        assertThat(moved.ready()).isEqualTo("2/2");
        assertThat(deployments.get(still).getStatus().hosts()).as("without failover nothing moves")
                .isEqualTo(Map.of("edge-1", 1, "edge-2", 1));
        assertThat(runningOn(docker2, WEB)).as("the offline host keeps running what it has").isEqualTo(1);

        agent2 = AgentProcess.join(hub.address(), null, work.resolve("state-2"), work.resolve("agent-2b.log"),
                "--docker-host", docker2.uri());
        new Cluster(api.client()).awaitPhase("edge-2", "Connected", TIMEOUT);
        await("the returned host's extra replica removed").atMost(TIMEOUT).until(() -> runningOn(docker2, WEB) == 0);
        await("its DockerContainer gone").atMost(TIMEOUT).until(() -> api.client().resources(DockerContainer.class)
                .inNamespace(Cluster.NS).list().getItems().stream()
                .filter(dc -> dc.getMetadata().getName().startsWith(WEB)).count() == 2);
        assertThat(deployments.await(WEB, "still 2 on edge-1", Deployments.settled(2), TIMEOUT).hosts())
                .isEqualTo(Map.of("edge-1", 2));
        assertThat(runningOn(docker2, still)).as("the other deployment's replica ran on throughout").isEqualTo(1);
        assertThat(deployments.get(still).getStatus().hosts()).isEqualTo(Map.of("edge-1", 1, "edge-2", 1));
    }

    private void startTwoHosts() {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        docker2 = PrivateDockerDaemon.start(work.resolve("docker2"), V1, V2);
        api = new ApiServerStandIn(work);
        Cluster cluster = new Cluster(api.client());
        deployments = new Deployments(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
        deployments.createHost("edge-1", Map.of("pool", "edge"));
        deployments.createHost("edge-2", Map.of("pool", "edge"));
        agent1 = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), work.resolve("state-1"),
                work.resolve("agent-1.log"));
        agent2 = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-2"), work.resolve("state-2"),
                work.resolve("agent-2.log"), "--docker-host", docker2.uri());
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        cluster.awaitPhase("edge-2", "Connected", TIMEOUT);
    }

    private static Specs container(String image) {
        return Specs.image(image).command(SERVE);
    }

    /** Running test containers per host, from Docker itself (edge-1: the shared daemon, edge-2: the private one). */
    private Map<String, Integer> running() {
        Map<String, Integer> running = new java.util.TreeMap<>();
        int one = runningOnShared(WEB);
        int two = runningOn(docker2, WEB);
        if (one > 0) {
            running.put("edge-1", one);
        }
        if (two > 0) {
            running.put("edge-2", two);
        }
        return running;
    }

    private static int total(Map<String, Integer> running) {
        return running.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static int runningOnShared(String prefix) {
        return (int) Docker.run("docker", "ps", "-q", "--filter", "name=^/" + prefix).output().lines()
                .filter(l -> !l.isBlank()).count();
    }

    private static int runningOn(PrivateDockerDaemon daemon, String prefix) {
        return (int) daemon.docker("ps", "-q", "--filter", "name=^/" + prefix).output().lines()
                .filter(l -> !l.isBlank()).count();
    }

    /** The images of the running replicas on both hosts. */
    private Set<String> images() {
        Set<String> images = new java.util.HashSet<>();
        images.addAll(Docker.run("docker", "ps", "--format", "{{.Image}}", "--filter", "name=^/" + WEB).output().lines()
                .filter(l -> !l.isBlank()).toList());
        images.addAll(docker2.docker("ps", "--format", "{{.Image}}", "--filter", "name=^/" + WEB).output().lines()
                .filter(l -> !l.isBlank()).toList());
        return images;
    }

    private static Set<String> names(List<DockerContainer> replicas) {
        return replicas.stream().map(dc -> dc.getMetadata().getName()).collect(Collectors.toSet());
    }
}
