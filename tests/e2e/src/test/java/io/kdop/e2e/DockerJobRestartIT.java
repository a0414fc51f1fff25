package io.kdop.e2e;

import static io.kdop.e2e.DockerJobIT.RECORD_RUN;
import static io.kdop.e2e.DockerJobIT.WAIT_FOR_GO;
import static io.kdop.e2e.DockerJobIT.job;
import static io.kdop.e2e.DockerJobIT.runs;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.job.DockerJobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once: a job whose agent is killed mid-attempt is finished by the restarted agent
 * without another attempt, and once finished it never runs again, whatever restarts.
 */
class DockerJobRestartIT {

    private static final String PREFIX = DockerJobIT.PREFIX;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aJobRunsOnceThroughAnAgentCrashAndNeverAgainAfterRestarts(@TempDir Path work) throws Exception {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX + "once");
        DockerCli.removeAll(PREFIX + "marker");
        Path state = work.resolve("state");
        Path dir = Files.createDirectories(work.resolve("jobs").resolve("once"));
        int port = Ports.free();
        ApiServerStandIn api = new ApiServerStandIn(work);
        HubProcess hub = null;
        AgentProcess agent = null;
        try {
            Cluster cluster = new Cluster(api.client());
            hub = HubProcess.start(api, port, work.resolve("hub.log"));
            cluster.createHost("edge-1", null);
            agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), state, work.resolve("agent.log"),
                    "--job-backoff", "1s");

            cluster.applyJob("once", job("once", dir, RECORD_RUN + WAIT_FOR_GO + "echo finished").build());
            DockerJobStatus running = cluster.awaitJob("once", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
            assertThat(running.attempts()).isEqualTo(1);

            // kill -9 in the middle of the attempt: the container goes on without its agent
            agent.kill();
            assertThat(DockerCli.running(PREFIX + "once")).isTrue();
            agent = AgentProcess.join(hub.address(), null, state, work.resolve("agent-2.log"), "--job-backoff", "1s");

            Files.createFile(dir.resolve("go"));
            DockerJobStatus done = cluster.awaitJob("once", "Succeeded", s -> "Succeeded".equals(s.phase()), TIMEOUT);
            assertThat(done.attempts()).as("the adopted attempt is not counted again").isEqualTo(1);
            assertThat(done.containerID()).isEqualTo(running.containerID());
            assertThat(runs(dir)).hasSize(1);

            // restart both the agent and the hub after completion
            agent.stop();
            hub.stop();
            hub = HubProcess.start(api, port, work.resolve("hub-2.log"));
            agent = AgentProcess.join(hub.address(), null, state, work.resolve("agent-3.log"), "--job-backoff", "1s");
            // a workload applied after both restarts is running: the agent has applied the hub's
            // new desired state (which holds the job as well) to Docker
            cluster.apply("marker", Specs.image(DockerJobIT.IMAGE).name(PREFIX + "marker").command("sleep", "3600")
                    .host("edge-1").build());
            cluster.awaitContainer("marker", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
            DockerJobStatus after = cluster.awaitJob("once", "still Succeeded",
                    s -> "Succeeded".equals(s.phase()), TIMEOUT);

            assertThat(runs(dir)).as("nothing ran again").hasSize(1);
            assertThat(after.attempts()).isEqualTo(1);
            assertThat(after.containerID()).isEqualTo(running.containerID());
            assertThat(DockerCli.inspect(PREFIX + "once", "{{.State.Status}} {{.State.ExitCode}}")).isEqualTo("exited 0");
        } finally {
            Teardown.closeAll(agent, hub, api);
            DockerCli.removeAll(PREFIX + "once");
            DockerCli.removeAll(PREFIX + "marker");
        }
    }
}
