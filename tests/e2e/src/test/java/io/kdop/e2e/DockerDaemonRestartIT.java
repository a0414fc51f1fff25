package io.kdop.e2e;

import static io.kdop.e2e.DockerJobIT.RECORD_RUN;
import static io.kdop.e2e.DockerJobIT.WAIT_FOR_GO;
import static io.kdop.e2e.DockerJobIT.runs;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JobSpecs;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.PrivateDockerDaemon;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.job.DockerJobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker daemon of an edge host restarts (a package upgrade, a crash) while kdop runs there:
 * the host shows it as not Ready while Docker is away, its containers come back as the same
 * containers, a finished job stays finished, and a job whose attempt the daemon stopped runs
 * again without that attempt counting against its backoffLimit.
 */
class DockerDaemonRestartIT {

    private static final String PREFIX = "kdop-e2e-dr-";
    private static final String IMAGE = DockerJobIT.IMAGE;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void aDockerRestartLosesNothingAndDuplicatesNothing(@TempDir Path work) throws Exception {
        Docker.requireDaemon();
        Path doneDir = Files.createDirectories(work.resolve("jobs/done"));
        Path longDir = Files.createDirectories(work.resolve("jobs/long"));
        PrivateDockerDaemon docker = null;
        ApiServerStandIn api = null;
        HubProcess hub = null;
        AgentProcess agent = null;
        try {
            docker = PrivateDockerDaemon.start(work.resolve("docker"), IMAGE);
            api = new ApiServerStandIn(work);
            Cluster cluster = new Cluster(api.client());
            hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
            cluster.createHost("edge-1", null);
            agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), work.resolve("state"),
                    work.resolve("agent.log"), "--docker-host", docker.uri(), "--job-backoff", "1s");
            cluster.awaitPhase("edge-1", "Connected", TIMEOUT);

            cluster.apply("web", Specs.image(IMAGE).name(PREFIX + "web").command("sleep", "3600")
                    .restartPolicy("Always").host("edge-1").build());
            cluster.applyJob("done", job("done", doneDir, RECORD_RUN + "echo done").build());
            cluster.applyJob("long", job("long", longDir, RECORD_RUN + WAIT_FOR_GO + "echo finished")
                    .backoffLimit(0).build());
            String web = cluster.awaitContainer("web", "Running", s -> "Running".equals(s.phase()), TIMEOUT)
                    .containerID();
            cluster.awaitJob("done", "Succeeded", s -> "Succeeded".equals(s.phase()), TIMEOUT);
            DockerJobStatus firstAttempt = cluster.awaitJob("long", "Running", s -> "Running".equals(s.phase()),
                    TIMEOUT);
            assertThat(firstAttempt.attempts()).isEqualTo(1);

            // Docker goes away: the host says so, the agent stays
            docker.stop();
            DockerHostStatus away = cluster.awaitHostStatus("edge-1", "Ready=False DockerUnreachable",
                    s -> "DockerUnreachable".equals(Cluster.readyReason(s)), TIMEOUT);
            assertThat(away.getPhase()).isEqualTo("Connected");
            assertThat(away.getDockerVersion()).as("the last known Docker facts stay").isNotNull();
            assertThat(agent.isAlive()).isTrue();

            // ... and comes back: the same containers, nothing run twice that finished
            docker.restart();
            cluster.awaitHostStatus("edge-1", "Ready again", s -> "AgentConnected".equals(Cluster.readyReason(s)),
                    TIMEOUT);
            cluster.awaitContainer("web", "Running again", s -> "Running".equals(s.phase()) && web.equals(s.containerID()),
                    TIMEOUT);
            assertThat(docker.containerIds(PREFIX + "web")).as("no second container").containsExactly(web);
            // kubectl describe dockerhost edge-1: the outage in its Events
            assertThat(cluster.events("edge-1")).anyMatch(e -> e.startsWith("Warning DockerUnreachable: "));
            assertThat(cluster.eventCount("edge-1", "AgentConnected")).as("connected, and again once Docker was back")
                    .isEqualTo(2);
            assertThat(docker.inspect(web, "{{.State.Running}}")).isEqualTo("true");

            // the attempt the daemon stopped is run again, and is not the job's failure
            DockerJobStatus again = cluster.awaitJob("long", "its second attempt running",
                    s -> "Running".equals(s.phase()) && s.attempts() == 2, TIMEOUT);
            assertThat(again.containerID()).isNotEqualTo(firstAttempt.containerID());
            Files.createFile(longDir.resolve("go"));
            DockerJobStatus finished = cluster.awaitJob("long", "Succeeded", s -> "Succeeded".equals(s.phase()),
                    TIMEOUT);
            assertThat(finished.attempts()).isEqualTo(2);
            assertThat(runs(longDir)).as("the stopped run and the one that finished").hasSize(2);
            assertThat(agent.log()).contains("was stopped by the Docker daemon", "does not count against backoffLimit");

            DockerJobStatus done = cluster.awaitJob("done", "still Succeeded", s -> "Succeeded".equals(s.phase()),
                    TIMEOUT);
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(runs(doneDir)).as("a finished job never runs again").hasSize(1);
        } finally {
            Teardown.closeAll(agent, hub, api, docker);
        }
    }

    private static JobSpecs job(String name, Path dir, String script) {
        return JobSpecs.image(IMAGE).name(PREFIX + name).script(script).volume(dir.toString(), "/out").host("edge-1");
    }
}
