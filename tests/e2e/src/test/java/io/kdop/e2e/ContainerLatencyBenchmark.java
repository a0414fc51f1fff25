package io.kdop.e2e;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JobSpecs;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Benchmark (not a test): how long kdop takes from applying a DockerContainer to its status
 * saying Running, and from `docker rm -f` to the container running again; each beside a
 * baseline measured in the same run on the same daemon: a plain `docker run -d`, and Docker's
 * own restart policy bringing back a container whose process was killed; and from applying a
 * DockerJob to its status saying Succeeded, beside an attached `docker run` of the same command.
 * Run by scripts/bench-containers.sh.
 */
public final class ContainerLatencyBenchmark {

    private static final String PREFIX = "kdop-bench-";
    private static final Duration POLL = Duration.ofMillis(10);

    private ContainerLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        // A fresh agent every run: the API stand-in numbers UIDs from a counter, so a kept state
        // directory would look like the same host and be enforced until the hub says otherwise.
        Path work = Repository.emptyDirectory("tests/e2e/target/bench");
        DockerCli.removeAll(PREFIX);
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"))) {
            Cluster cluster = new Cluster(api.client());
            cluster.createHost("bench", null);
            try (AgentProcess agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("bench"),
                    work.resolve("state"), work.resolve("agent.log"))) {
                cluster.awaitPhase("bench", "Connected", Duration.ofSeconds(60));
                List<Long> create = new ArrayList<>();
                List<Long> dockerRun = new ArrayList<>();
                List<Long> repair = new ArrayList<>();
                List<Long> dockerRestart = new ArrayList<>();
                List<Long> job = new ArrayList<>();
                List<Long> dockerJob = new ArrayList<>();
                for (int i = -1; i < runs; i++) { // run -1 warms up the JVMs and is not counted
                    String name = PREFIX + "c" + (i + 1);
                    long t0 = System.nanoTime();
                    cluster.apply(name, Specs.image(DockerContainerIT.IMAGE).name(name).command("sleep", "3600")
                            .host("bench").build());
                    waitFor(() -> Optional.ofNullable(cluster.container(name)).map(c -> c.getStatus())
                            .filter(s -> "Running".equals(s.phase())).isPresent());
                    long created = System.nanoTime() - t0;

                    String id = DockerCli.id(name);
                    t0 = System.nanoTime();
                    DockerCli.must("docker", "rm", "-f", name);
                    waitFor(() -> {
                        String now = DockerCli.id(name);
                        return now != null && !now.equals(id) && DockerCli.running(name);
                    });
                    long repaired = System.nanoTime() - t0;

                    String plain = PREFIX + "plain" + (i + 1);
                    t0 = System.nanoTime();
                    DockerCli.must("docker", "run", "-d", "--restart", "always", "--name", plain,
                            DockerContainerIT.IMAGE, "sleep", "3600");
                    waitFor(() -> DockerCli.running(plain));
                    long ran = System.nanoTime() - t0;

                    String before = DockerCli.inspect(plain, "{{.State.StartedAt}}");
                    t0 = System.nanoTime();
                    // a crash, not `docker kill` (Docker treats that as a manual stop and does not restart)
                    DockerCli.must("kill", "-9", DockerCli.inspect(plain, "{{.State.Pid}}"));
                    waitFor(() -> DockerCli.running(plain)
                            && !before.equals(DockerCli.inspect(plain, "{{.State.StartedAt}}")));
                    long restarted = System.nanoTime() - t0;

                    String jobName = PREFIX + "j" + (i + 1);
                    t0 = System.nanoTime();
                    cluster.applyJob(jobName, JobSpecs.image(DockerContainerIT.IMAGE).name(jobName)
                            .script("echo done").host("bench").build());
                    waitFor(() -> Optional.ofNullable(cluster.job(jobName)).map(j -> j.getStatus())
                            .filter(s -> "Succeeded".equals(s.phase())).isPresent());
                    long jobDone = System.nanoTime() - t0;

                    String plainJob = PREFIX + "plainjob" + (i + 1);
                    t0 = System.nanoTime();
                    // attached: returns once the process has exited, with its exit code
                    DockerCli.must("docker", "run", "--name", plainJob, DockerContainerIT.IMAGE, "sh", "-c", "echo done");
                    long plainJobDone = System.nanoTime() - t0;
                    if (i >= 0) {
                        job.add(jobDone);
                        dockerJob.add(plainJobDone);
                        create.add(created);
                        repair.add(repaired);
                        dockerRun.add(ran);
                        dockerRestart.add(restarted);
                    }
                }
                System.out.printf("%d runs on Docker %s, image %s%n", runs, Docker.serverVersion(), DockerContainerIT.IMAGE);
                System.out.println("| measurement | median ms | p90 ms | min ms | max ms |");
                System.out.println("|---|---|---|---|---|");
                row("kdop: apply DockerContainer -> status Running", create);
                row("baseline: docker run -d -> running", dockerRun);
                row("kdop: docker rm -f -> running again (new container)", repair);
                row("baseline: process killed -> restarted by Docker's restart policy", dockerRestart);
                row("kdop: apply DockerJob (echo) -> status Succeeded", job);
                row("baseline: docker run (attached) -> exited", dockerJob);
                System.out.printf("ratio create/baseline (medians): %.1f%n", (double) median(create) / median(dockerRun));
                System.out.printf("ratio repair/baseline (medians): %.1f%n", (double) median(repair) / median(dockerRestart));
                System.out.printf("ratio job/baseline (medians): %.1f%n", (double) median(job) / median(dockerJob));
            }
        } finally {
            DockerCli.removeAll(PREFIX);
        }
        System.exit(0);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within 60 s");
            }
            Thread.sleep(POLL);
        }
    }

    private static void row(String label, List<Long> nanos) {
        List<Long> ms = nanos.stream().map(n -> n / 1_000_000).sorted().toList();
        System.out.printf("| %s | %d | %d | %d | %d |%n", label, ms.get(ms.size() / 2),
                ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.9) - 1)), ms.getFirst(), ms.getLast());
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
