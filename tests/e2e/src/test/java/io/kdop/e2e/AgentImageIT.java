package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cli;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The agent as a user starts it on a Docker host: the image that scripts/build-images.sh builds,
 * run by the container form of the join command pasted from the join Secret.
 */
class AgentImageIT {

    private static final String PREFIX = "kdop-image-";
    private static final String AGENT = PREFIX + "agent";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theAgentImageJoinsRunsAWorkloadKeepsTheTokenOutOfInspectAndComesBackAfterACrash() throws Exception {
        Docker.requireDaemon();
        String version = System.getProperty("kdop.version");
        Cli.run(Duration.ofMinutes(5), Repository.root().resolve("scripts/build-images.sh").toString()).orFail();
        Path work = Repository.emptyDirectory("tests/e2e/target/agent-image");
        DockerCli.removeAll(PREFIX);
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"),
                        "--agent-image", "kdop/edge-agent:" + version)) {
            Cluster cluster = new Cluster(api.client());
            cluster.createHost("img", null);
            String token = cluster.awaitJoinToken("img");
            String line = cluster.secretValue("img-join", "join-command-docker");
            assertThat(line).contains("kdop/edge-agent:" + version, "--restart unless-stopped");

            // pasted on the Docker host (here: with a state directory and a name of the test's own)
            String pasted = line.replace("/var/lib/kdop-agent", work.resolve("state").toAbsolutePath().toString())
                    .replace("--name kdop-agent", "--name " + AGENT);
            Cli.run(Duration.ofMinutes(1), "sh", "-c", pasted).orFail();
            cluster.awaitPhase("img", "Connected", TIMEOUT);
            cluster.apply("web", Specs.image("kdop-test/busybox:1").name(PREFIX + "web").command("sleep", "3600")
                    .host("img").build());
            cluster.awaitContainer("web", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
            String web = DockerCli.id(PREFIX + "web");

            String secret = token.substring(token.lastIndexOf('.') + 1);
            assertThat(Cli.run(Duration.ofSeconds(30), "docker", "inspect", AGENT).orFail())
                    .as("docker inspect of the agent's container").doesNotContain(secret);
            assertThat(DockerCli.inspect(AGENT, "{{.Config.User}}")).isEqualTo("65532:65532");
            long rss = residentKib(DockerCli.inspect(AGENT, "{{.State.Pid}}"));
            System.out.printf("agent in its image: VmRSS %d KiB with one container%n", rss);
            assertThat(rss).as("the agent's resident memory, KiB").isBetween(10_000L, 400_000L);

            // a crash (not a docker stop, which the restart policy respects): Docker starts it again,
            // it resumes its session with the stored identity, and the workload is left alone
            Cli.run(Duration.ofSeconds(10), "kill", "-9", DockerCli.inspect(AGENT, "{{.State.Pid}}")).orFail();
            await("the agent's container restarted").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> Integer.parseInt(DockerCli.inspect(AGENT, "{{.RestartCount}}")) >= 1
                            && DockerCli.running(AGENT));
            await("the agent's session back").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> Files.readString(work.resolve("hub.log")).split("session opened: ", -1).length > 2);
            cluster.awaitPhase("img", "Connected", TIMEOUT);
            assertThat(DockerCli.id(PREFIX + "web")).as("the workload's container, untouched").isEqualTo(web);
            Cli.Result logs = Cli.run(Duration.ofSeconds(30), "docker", "logs", AGENT);
            assertThat(logs.stdout() + logs.stderr()).contains("already joined with token");
        } finally {
            DockerCli.removeAll(PREFIX);
        }
    }

    private static long residentKib(String pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }
}
