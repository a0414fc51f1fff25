package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JobSpecs;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.job.DockerJobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host mounts are judged by what their paths name on the host: a container that may write into a
 * host directory plants a symbolic link there, and another container mounting the link does not
 * get what it points to when that is the agent's state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostMountIT {

    private static final String PREFIX = "kdop-mount-";
    private static final String IMAGE = "kdop-test/busybox:1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Path work;
    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;

    @BeforeAll
    void startHubAndAgent(@TempDir Path work) throws Exception {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        this.work = work.toRealPath();
        api = new ApiServerStandIn(this.work);
        cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), this.work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), this.work.resolve("state"),
                this.work.resolve("agent.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
    }

    @AfterAll
    void stopAll() {
        Teardown.closeAll(agent, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void aLinkToTheAgentsStatePlantedByOneContainerIsNotMountedIntoAnother() throws Exception {
        Path state = work.resolve("state");
        Path shared = Files.createDirectories(work.resolve("shared"));
        cluster.apply("planter", Specs.image(IMAGE).name(PREFIX + "planter").host("edge-1")
                .command("sh", "-c", "ln -s " + state + " /shared/link && sleep 3600")
                .volume(shared.toString(), "/shared").build());
        cluster.awaitContainer("planter", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        await("the planted link").atMost(TIMEOUT).until(() -> Files.isSymbolicLink(shared.resolve("link")));

        cluster.apply("thief", Specs.image(IMAGE).name(PREFIX + "thief").command("sleep", "3600")
                .volume(shared + "/link", "/loot").host("edge-1").build());
        DockerContainerStatus refused = cluster.awaitContainer("thief", "refused",
                s -> "HostPathRefused".equals(Cluster.readyReason(s)), TIMEOUT);

        assertThat(refused.message()).contains("mount of host path " + shared + "/link refused: it resolves to "
                + state + " (through the symbolic link " + shared + "/link)", "the agent's state directory");
        assertThat(refused.phase()).isEqualTo("Failed");
        assertThat(DockerCli.id(PREFIX + "thief")).as("the thief's container").isNull();

        // a job that tries the same is held, and runs nothing
        cluster.applyJob("thief-job", JobSpecs.image(IMAGE).name(PREFIX + "thief-job").script("cat /loot/*")
                .volume(shared + "/link", "/loot").host("edge-1").build());
        DockerJobStatus held = cluster.awaitJob("thief-job", "held", s -> "HostPathRefused".equals(s.reason()),
                TIMEOUT);
        assertThat(held.phase()).isEqualTo("Pending");
        assertThat(held.message()).contains("the agent's state directory");
        assertThat(DockerCli.id(PREFIX + "thief-job")).as("the job's container").isNull();
        assertThat(agent.log()).doesNotContain("creating container " + PREFIX + "thief");
    }

    @Test
    void anAllowedLinkIsMountedFromWhereItLeads() throws Exception {
        Path data = Files.createDirectories(work.resolve("releases/7"));
        Files.writeString(data.resolve("version"), "7");
        Path current = Files.createSymbolicLink(work.resolve("current"), Path.of("releases/7"));

        cluster.apply("follower", Specs.image(IMAGE).name(PREFIX + "follower").command("sleep", "3600")
                .volume(current.toString(), "/app").host("edge-1").build());
        cluster.awaitContainer("follower", "Running", s -> "Running".equals(s.phase()), TIMEOUT);

        // Docker got the resolved path, so moving the link does not change what a restart mounts
        assertThat(DockerCli.inspect(PREFIX + "follower", "{{range .HostConfig.Binds}}{{println .}}{{end}}"))
                .isEqualTo(data + ":/app:rw");
        assertThat(DockerCli.exec(PREFIX + "follower", "cat", "/app/version").strip()).isEqualTo("7");
    }
}
