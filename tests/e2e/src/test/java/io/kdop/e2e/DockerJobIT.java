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
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.job.DockerJobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user runs one-off tasks on an edge host as DockerJobs and follows them to completion with
 * kubectl: exit codes, retries, deadlines and clean-up, on the real Docker daemon. Each job
 * appends its container's hostname (Docker's short container id) to a file on the host, so the
 * test counts the runs that really happened, independently of what kdop reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerJobIT {

    static final String PREFIX = "kdop-e2e-job-";
    static final String IMAGE = "kdop-test/busybox:1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Every job records each run of its container: one line, the container's short id. */
    static final String RECORD_RUN = "hostname >> /out/runs; ";
    /** Blocks an attempt until the test creates the file "go" in the job's directory. */
    static final String WAIT_FOR_GO = "while [ ! -f /out/go ]; do sleep 0.2; done; ";

    private Path work;
    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;

    @BeforeAll
    void startHubAndAgent(@TempDir Path work) {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        this.work = work;
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), work.resolve("state"),
                work.resolve("agent.log"), "--job-backoff", "1s");
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
    }

    @AfterAll
    void stopAll() {
        Teardown.closeAll(agent, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void aJobThatExitsZeroSucceeds() throws IOException {
        Path dir = jobDir("ok");
        cluster.applyJob("ok", job("ok", dir, RECORD_RUN + "echo migrated").build());

        DockerJobStatus s = cluster.awaitJob("ok", "Succeeded", st -> "Succeeded".equals(st.phase()), TIMEOUT);

        assertThat(s.exitCode()).isZero();
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.host()).isEqualTo("edge/edge-1");
        assertThat(Instant.parse(s.completionTime())).isAfterOrEqualTo(Instant.parse(s.startTime()));
        assertThat(Cluster.conditionReason(s, "Complete")).isEqualTo("Succeeded");
        assertThat(runs(dir)).hasSize(1);
        await("the job's events").atMost(TIMEOUT).untilAsserted(() -> assertThat(cluster.events("ok"))
                .contains("Normal Completed: succeeded after 1 attempt(s), exit code 0"));
        // no TTL: the container stays, exited, for `docker logs`
        assertThat(s.containerID()).isEqualTo(DockerCli.id(PREFIX + "ok"));
        assertThat(DockerCli.inspect(PREFIX + "ok", "{{.State.Status}} {{.State.ExitCode}}")).isEqualTo("exited 0");
    }

    @Test
    void aFailingJobRunsExactlyBackoffLimitPlusOneAttemptsAndShowsWhy() throws IOException {
        Path dir = jobDir("fails");
        cluster.applyJob("fails", job("fails", dir, RECORD_RUN
                + "echo 'connecting to db:5432'; echo 'FATAL: no database at db:5432' >&2; exit 3")
                .backoffLimit(2).build());

        DockerJobStatus s = cluster.awaitJob("fails", "Failed", st -> "Failed".equals(st.phase()), TIMEOUT);

        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.exitCode()).isEqualTo(3);
        assertThat(s.reason()).isEqualTo("BackoffLimitExceeded");
        assertThat(Cluster.conditionReason(s, "Failed")).isEqualTo("BackoffLimitExceeded");
        assertThat(s.message()).contains("FATAL: no database at db:5432", "connecting to db:5432");
        assertThat(s.completionTime()).isNotNull();
        List<String> runs = runs(dir);
        assertThat(runs).as("restartPolicy Never: a fresh container per attempt").hasSize(3).doesNotHaveDuplicates();
        // kubectl describe dockerjob fails: the story in Events, without the output
        await("the job's events").atMost(TIMEOUT).untilAsserted(() -> assertThat(cluster.events("fails"))
                .anyMatch(e -> e.startsWith("Normal AttemptStarted") && e.contains(": attempt "))
                .anyMatch(e -> e.startsWith("Warning BackoffLimitExceeded: attempt 3 of 3 exited with code 3"))
                .noneMatch(e -> e.contains("FATAL")));
        // each transition told once, although the hub reconciles the job on every report
        afterTheNextRecordedHeartbeat();
        assertThat(cluster.eventCount("fails", "BackoffLimitExceeded")).isEqualTo(1);
        assertThat(cluster.eventCount("fails", "AttemptStarted")).as("at most once per attempt").isBetween(1, 3);
    }

    @Test
    void onFailureRetriesInTheSameContainer() throws IOException {
        Path dir = jobDir("same");
        cluster.applyJob("same", job("same", dir, RECORD_RUN + "exit 1").restartPolicy("OnFailure").backoffLimit(1)
                .build());

        DockerJobStatus s = cluster.awaitJob("same", "Failed", st -> "Failed".equals(st.phase()), TIMEOUT);

        assertThat(s.attempts()).isEqualTo(2);
        assertThat(runs(dir)).hasSize(2).containsOnly(s.containerID().substring(0, 12));
    }

    @Test
    void theDeadlineKillsTheRunningAttemptAndFailsTheJob() throws IOException {
        Path dir = jobDir("slow");
        cluster.applyJob("slow", job("slow", dir, RECORD_RUN + "echo started; sleep 300").activeDeadlineSeconds(2)
                .build());

        DockerJobStatus s = cluster.awaitJob("slow", "Failed", st -> "Failed".equals(st.phase()), TIMEOUT);

        assertThat(s.reason()).isEqualTo("DeadlineExceeded");
        assertThat(Cluster.conditionReason(s, "Failed")).isEqualTo("DeadlineExceeded");
        assertThat(Duration.between(Instant.parse(s.startTime()), Instant.parse(s.completionTime())))
                .isLessThan(Duration.ofSeconds(30));
        assertThat(DockerCli.running(PREFIX + "slow")).isFalse();
        assertThat(s.message()).contains("started");
        assertThat(runs(dir)).as("no retry after the deadline").hasSize(1);
    }

    @Test
    void afterItsTtlTheContainerIsRemovedAndTheFinalStatusStays() throws IOException {
        Path dir = jobDir("ttl");
        cluster.applyJob("ttl", job("ttl", dir, RECORD_RUN + "echo done").ttlSecondsAfterFinished(2).build());
        cluster.awaitJob("ttl", "Succeeded", st -> "Succeeded".equals(st.phase()), TIMEOUT);

        await("container of job ttl removed").atMost(TIMEOUT).until(() -> DockerCli.id(PREFIX + "ttl") == null);
        DockerJobStatus s = cluster.awaitJob("ttl", "to say its container was removed",
                st -> Boolean.TRUE.equals(st.containerRemoved()), TIMEOUT);

        assertThat(s.phase()).isEqualTo("Succeeded");
        assertThat(s.exitCode()).isZero();
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(runs(dir)).hasSize(1);
    }

    @Test
    void aSecretEnvVarReachesTheJobAndNeverItsStatus() throws IOException {
        cluster.secret("job-token", Map.of("token", "s3cret-value"));
        Path dir = jobDir("secret");
        cluster.applyJob("secret", job("secret", dir, RECORD_RUN + "test \"$TOKEN\" = s3cret-value")
                .envFromSecret("TOKEN", "job-token", "token").backoffLimit(0).build());

        DockerJobStatus s = cluster.awaitJob("secret", "finished", DockerJobStatus::finished, TIMEOUT);

        assertThat(s.phase()).as(s.message()).isEqualTo("Succeeded");

        // a job that prints its secret and fails: the output tail in the status is redacted
        cluster.applyJob("leaky", job("leaky", jobDir("leaky"), "echo \"token is $TOKEN\"; exit 1")
                .envFromSecret("TOKEN", "job-token", "token").backoffLimit(0).build());
        DockerJobStatus leaky = cluster.awaitJob("leaky", "Failed", st -> "Failed".equals(st.phase()), TIMEOUT);
        assertThat(leaky.message()).contains("token is ");
        assertThat(api.client().getKubernetesSerialization().asJson(leaky)).doesNotContain("s3cret-value");
    }

    @Test
    void aSpecChangeAfterTheStartIsRefusedAndTheJobGoesOnAsItStarted() throws IOException {
        Path dir = jobDir("frozen");
        String script = RECORD_RUN + WAIT_FOR_GO + "echo original";
        cluster.applyJob("frozen", job("frozen", dir, script).build());
        String container = cluster.awaitJob("frozen", "Running", st -> "Running".equals(st.phase()), TIMEOUT)
                .containerID();

        cluster.applyJob("frozen", job("frozen", dir, RECORD_RUN + "echo edited").build());

        DockerJobStatus refused = cluster.awaitJob("frozen", "to refuse the edit",
                st -> Conditions.find(st.conditions(), "Accepted").filter(c -> "False".equals(c.getStatus())
                        && "SpecImmutable".equals(c.getReason())).isPresent(), TIMEOUT);
        assertThat(Conditions.find(refused.conditions(), "Accepted").orElseThrow().getMessage())
                .contains("changed after the job started", "delete the DockerJob and create it again");
        assertThat(refused.phase()).isEqualTo("Running");

        // moving it to another host is refused too: it stays where it runs
        cluster.applyJob("frozen", job("frozen", dir, script).host("edge-2").build());
        cluster.awaitJob("frozen", "to refuse the move", st -> Conditions.find(st.conditions(), "Accepted")
                .filter(c -> c.getMessage().contains("spec.dockerHostRef changed after the job started")).isPresent(),
                TIMEOUT);
        assertThat(DockerCli.running(PREFIX + "frozen")).isTrue();

        Files.createFile(dir.resolve("go"));
        DockerJobStatus s = cluster.awaitJob("frozen", "Succeeded", st -> "Succeeded".equals(st.phase()), TIMEOUT);
        assertThat(s.containerID()).isEqualTo(container);
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(DockerCli.inspect(PREFIX + "frozen", "{{json .Config.Cmd}}")).contains("echo original");
        assertThat(runs(dir)).hasSize(1);
    }

    @Test
    void deletingARunningJobStopsAndRemovesItsContainer() throws IOException {
        Path dir = jobDir("cancelled");
        cluster.applyJob("cancelled", job("cancelled", dir, RECORD_RUN + "sleep 300").build());
        cluster.awaitJob("cancelled", "Running", st -> "Running".equals(st.phase()), TIMEOUT);

        cluster.deleteJob("cancelled", TIMEOUT);

        assertThat(DockerCli.id(PREFIX + "cancelled")).isNull();
    }

    /** Waits until the hub has written the host's heartbeat time anew: later reconciles have had their turn. */
    private void afterTheNextRecordedHeartbeat() {
        String before = cluster.host("edge-1").getStatus().getLastHeartbeatTime();
        await("another heartbeat").atMost(TIMEOUT).until(() -> !java.util.Objects.equals(before,
                cluster.host("edge-1").getStatus().getLastHeartbeatTime()));
    }

    static JobSpecs job(String name, Path dir, String script) {
        return JobSpecs.image(IMAGE).name(PREFIX + name).script(script).volume(dir.toString(), "/out").host("edge-1");
    }

    private Path jobDir(String name) throws IOException {
        return Files.createDirectories(work.resolve("jobs").resolve(name));
    }

    static List<String> runs(Path dir) throws IOException {
        Path runs = dir.resolve("runs");
        return Files.exists(runs) ? Files.readAllLines(runs).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }
}
