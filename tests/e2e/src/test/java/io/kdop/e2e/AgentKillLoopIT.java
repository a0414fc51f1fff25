package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kdop.e2e.support.AgentContainers;
import io.kdop.e2e.support.AgentContainers.Container;
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
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.job.DockerJobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the agent at random moments of its reconcile passes, 50 times: each time the spec
 * changed just before (a container's env or image, a container deleted or created, a job created
 * and the last one deleted, a failing job's next attempt due), so the kill lands before, in or
 * after the pass that carries the change out. After every kill Docker holds at most one container
 * per workload and no job ran an attempt more than allowed; after every restart all is converged
 * (Docker as declared, every status telling the truth, nothing of a deleted workload left) within
 * 10 s, and Docker's events show each change carried out exactly once and nothing else touched.
 *
 * <p>The changes and kill moments come from a seeded random generator; the seed is printed and
 * {@code -Dkdop.faults.seed=SEED} replays the same schedule ({@code -Dkdop.faults.kills=N} shortens
 * it). The agent still runs on real time, so a replay hits the same moments only roughly.
 */
class AgentKillLoopIT {

    private static final String PREFIX = "kdop-e2e-kill-";
    private static final String[] IMAGES = {DockerJobIT.IMAGE, "kdop-test/busybox:2"};
    /** Exits at once on SIGTERM (as PID 1, sh ignores it otherwise and a stop waits out the grace). */
    private static final String SERVE = "trap 'exit 0' TERM; sleep 3600 & wait";
    private static final List<String> STEADY = List.of("alpha", "beta", "gamma");
    private static final String TOGGLED = "delta";
    private static final int KILLS = Integer.getInteger("kdop.faults.kills", 50);
    private static final int MAX_KILL_DELAY_MILLIS = 800;
    private static final int MAX_STARTUP_KILL_DELAY_MILLIS = 3000;
    /**
     * From the restarted agent's process start to all converged. A bound for a machine that gives
     * the test its cores: on one starved by other work (load far above its core count) the JVM's
     * start alone can take seconds, and {@code -Dkdop.faults.converge-seconds=N} widens it.
     */
    private static final Duration CONVERGED_WITHIN = Duration.ofSeconds(Integer.getInteger(
            "kdop.faults.converge-seconds", 10));
    private static final Duration SETUP = Duration.ofSeconds(60);
    private static final int FLAKY_ATTEMPTS = 4;

    private final Map<String, String> images = new LinkedHashMap<>();
    private final Map<String, Integer> rounds = new LinkedHashMap<>();
    /** Every job of the run, by name, with how many attempts it may have. */
    private final Map<String, Integer> maxAttempts = new LinkedHashMap<>();
    /** Workloads deleted and not yet confirmed gone: kind/name to uid. */
    private final Map<String, String> deleting = new LinkedHashMap<>();
    /** Restart to convergence, per round, in milliseconds. */
    private final List<Long> convergence = new ArrayList<>();
    /** Where the first kill of each round landed in its change (not begun, half done, done). */
    private final Map<String, Integer> landed = new TreeMap<>();
    private int kills;
    private Path work;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;
    private String steadyJobContainer;
    private String quickJob;
    private int flakySeries;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killingTheAgentMidPassNeverDuplicatesLosesOrRepeatsAnything() throws Exception {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        // kept after the run: the logs of 50 agents are what a failure is read from
        this.work = Repository.emptyDirectory("tests/e2e/target/faults/agent-kill");
        long seed = Long.getLong("kdop.faults.seed", System.nanoTime());
        System.out.println("AgentKillLoopIT: seed " + seed + " (replay with -Dkdop.faults.seed=" + seed + ")");
        Random random = new Random(seed);
        ApiServerStandIn api = new ApiServerStandIn(work);
        try {
            cluster = new Cluster(api.client());
            hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
            cluster.createHost("edge-1", null);
            agent = startAgent(cluster.awaitJoinToken("edge-1"), 0);
            for (String name : STEADY) {
                applyContainer(name, IMAGES[0], 0);
            }
            job("steady", DockerJobIT.RECORD_RUN + SERVE, 2);
            nextFlakyJob();
            for (String name : STEADY) {
                cluster.awaitContainer(name, "Running", s -> "Running".equals(s.phase()), SETUP);
            }
            steadyJobContainer = cluster.awaitJob("steady", "Running", s -> "Running".equals(s.phase()), SETUP)
                    .containerID();

            Instant began = Instant.now();
            for (int i = 1; kills < KILLS; i++) {
                Instant t0 = Instant.now();
                Set<String> changed = new HashSet<>();
                String what = change(i, random, changed);
                try {
                    round(i, random, changed);
                    checkEvents(AgentContainers.events(PREFIX, t0, Instant.now()), changed);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", round " + i + " (" + what + "), agent log "
                            + agent.logFile() + ", " + load() + ": " + e.getMessage(), e);
                }
            }
            System.out.printf("AgentKillLoopIT: %d kills in %d rounds, %d s; converged after restart in %d ms at most, "
                    + "%d ms on average (%s); the change of a round's first kill was %s%n", kills, convergence.size(),
                    Duration.between(began, Instant.now()).toSeconds(),
                    convergence.stream().mapToLong(Long::longValue).max().orElse(0),
                    (long) convergence.stream().mapToLong(Long::longValue).average().orElse(0), load(), landed);
        } finally {
            Teardown.closeAll(agent, hub, api);
            DockerCli.removeAll(PREFIX);
        }
    }

    /** The kill (or two) of a round after its change, the checks after each, the restart and convergence. */
    private void round(int i, Random random, Set<String> changed) throws Exception {
        Thread.sleep(random.nextInt(MAX_KILL_DELAY_MILLIS + 1)); // the test's input: when the kill lands
        agent.kill();
        kills++;
        landed.merge(whereTheKillLanded(checkAfterKill(), changed), 1, Integer::sum);
        if (kills < KILLS && random.nextInt(3) == 0) {
            // now and then once more, in the restarted agent's first passes
            agent = startAgent(null, i);
            Thread.sleep(random.nextInt(MAX_STARTUP_KILL_DELAY_MILLIS + 1));
            agent.kill();
            kills++;
            checkAfterKill();
        }
        AgentProcess restarted = startAgent(null, i);
        agent = restarted;
        long started = System.nanoTime();
        await("converged").atMost(CONVERGED_WITHIN).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> checkConverged(restarted));
        convergence.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        deleting.clear();
    }

    private AgentProcess startAgent(String token, int round) {
        return AgentProcess.join(hub.address(), token, work.resolve("state"), work.resolve("agent-" + round + ".log"),
                "--job-backoff", "1s", "--job-backoff-max", "1s");
    }

    /** The spec changes of one round, with the agent running; @return what changed, for the failure message */
    private String change(int i, Random random, Set<String> changed) throws IOException {
        List<String> done = new ArrayList<>();
        // a job each round, the last one deleted: kills land around a job's creation, run and removal
        if (quickJob != null) {
            delete("DockerJob", quickJob);
            done.add("deleted job " + quickJob);
        }
        quickJob = "q" + i;
        job(quickJob, DockerJobIT.RECORD_RUN + "sleep 0.3", 0);
        changed.add(quickJob);
        done.add("created job " + quickJob);
        DockerJob flaky = cluster.job(flakyName());
        if (flaky.getStatus() != null && "Failed".equals(flaky.getStatus().phase())) {
            delete("DockerJob", flakyName());
            done.add("deleted job " + flakyName());
            nextFlakyJob();
            done.add("created job " + flakyName());
        }
        String name = STEADY.get(random.nextInt(STEADY.size()));
        switch (random.nextInt(3)) {
            case 0 -> {
                applyContainer(name, images.get(name), i);
                done.add("env of " + name);
            }
            case 1 -> {
                applyContainer(name, images.get(name).equals(IMAGES[0]) ? IMAGES[1] : IMAGES[0], rounds.get(name));
                done.add("image of " + name);
            }
            default -> {
                name = TOGGLED;
                if (images.containsKey(TOGGLED)) {
                    delete("DockerContainer", TOGGLED);
                    images.remove(TOGGLED);
                    rounds.remove(TOGGLED);
                    done.add("deleted " + TOGGLED);
                } else {
                    applyContainer(TOGGLED, IMAGES[random.nextInt(2)], i);
                    done.add("created " + TOGGLED);
                }
            }
        }
        changed.add(name);
        return String.join(", ", done);
    }

    private void applyContainer(String name, String image, int round) {
        images.put(name, image);
        rounds.put(name, round);
        cluster.apply(name, Specs.image(image).name(PREFIX + name).command("sh", "-c", SERVE).env("ROUND=" + round)
                .host("edge-1").build());
    }

    private void job(String name, String script, int backoffLimit) throws IOException {
        Path dir = Files.createDirectories(work.resolve("jobs").resolve(name));
        maxAttempts.put(name, backoffLimit + 1);
        cluster.applyJob(name, JobSpecs.image(DockerJobIT.IMAGE).name(PREFIX + name).script(script)
                .volume(dir.toString(), "/out").backoffLimit(backoffLimit).host("edge-1").build());
    }

    private void nextFlakyJob() throws IOException {
        flakySeries++;
        job(flakyName(), DockerJobIT.RECORD_RUN + "sleep 0.5; exit 1", FLAKY_ATTEMPTS - 1);
    }

    private String flakyName() {
        return "flaky" + flakySeries;
    }

    /** kubectl delete without waiting: the finalizer is released once the agent confirms (checked when converged). */
    private void delete(String kind, String name) {
        String uid;
        if (kind.equals("DockerJob")) {
            uid = cluster.job(name).getMetadata().getUid();
            cluster.client().resources(DockerJob.class).inNamespace(Cluster.NS).withName(name).delete();
        } else {
            uid = cluster.container(name).getMetadata().getUid();
            cluster.client().resources(DockerContainer.class).inNamespace(Cluster.NS).withName(name).delete();
        }
        deleting.put(kind + "/" + name, uid);
    }

    /** What must hold at any moment, the agent dead or alive: checked right after a kill. */
    private List<Container> checkAfterKill() throws IOException {
        List<Container> all = AgentContainers.list(PREFIX);
        AgentContainers.byWorkloadUid(all).forEach((uid, containers) -> assertThat(containers)
                .as("containers of workload uid %s", uid).hasSize(1));
        for (Container c : all) {
            if ("DockerJob".equals(c.kind())) {
                assertThat(c.jobAttempt()).as("attempt label of %s", c.name())
                        .isBetween(1, maxAttempts.get(c.workloadName()));
            }
        }
        for (Map.Entry<String, Integer> job : maxAttempts.entrySet()) {
            assertThat(runs(job.getKey()).size()).as("runs of job %s", job.getKey()).isLessThanOrEqualTo(job.getValue());
        }
        assertThat(runs("steady")).as("the long-running job ran once").hasSize(1);
        assertThat(DockerCli.inspect(steadyJobContainer, "{{.State.Running}}"))
                .as("the long-running job's container runs on").isEqualTo("true");
        return all;
    }

    /** Whether the round's container change was not begun, half done or done when the agent died. */
    private String whereTheKillLanded(List<Container> all, Set<String> changed) {
        String name = changed.stream().filter(n -> STEADY.contains(n) || n.equals(TOGGLED)).findFirst().orElseThrow();
        List<Container> named = all.stream().filter(c -> c.name().equals(PREFIX + name)).toList();
        if (!images.containsKey(name)) {
            return named.isEmpty() ? "done" : named.getFirst().status().equals("running") ? "not begun" : "half done";
        }
        if (named.isEmpty() || !named.getFirst().status().equals("running")) {
            return "half done";
        }
        Container c = named.getFirst();
        boolean current = c.image().equals(images.get(name)) && c.env().contains("ROUND=" + rounds.get(name));
        return current ? "done" : "not begun";
    }

    /**
     * Docker as declared, every status telling the truth, nothing of a deleted workload left. The
     * API is asked first and Docker only once the statuses look settled: a poll while the agent
     * starts costs it no CPU for docker CLI runs.
     */
    private void checkConverged(AgentProcess restarted) throws IOException {
        assertThat(restarted.log()).as("the restarted agent's log").contains("connected to the hub");
        Map<String, DockerContainer> containers = new LinkedHashMap<>();
        for (String name : images.keySet()) {
            DockerContainer dc = cluster.container(name);
            assertThat(dc).as("DockerContainer %s", name).isNotNull();
            DockerContainerStatus s = dc.getStatus();
            assertThat(s).as("status of %s", name).isNotNull();
            assertThat(s.phase()).as("phase of %s", name).isEqualTo("Running");
            assertThat(s.observedGeneration()).as("observedGeneration of %s", name)
                    .isEqualTo(dc.getMetadata().getGeneration());
            containers.put(name, dc);
        }
        List<DockerJob> jobs = cluster.client().resources(DockerJob.class).inNamespace(Cluster.NS).list().getItems()
                .stream().filter(j -> j.getMetadata().getDeletionTimestamp() == null).toList();
        for (DockerJob job : jobs) {
            String name = job.getMetadata().getName();
            DockerJobStatus s = job.getStatus();
            assertThat(s).as("status of job %s", name).isNotNull();
            assertThat(s.attempts()).as("attempts of job %s", name).isEqualTo(runs(name).size());
            if (name.equals("steady")) {
                assertThat(s.phase()).isEqualTo("Running");
                assertThat(s.containerID()).as("the long-running job's container").isEqualTo(steadyJobContainer);
            } else if (name.equals(quickJob)) {
                assertThat(s.phase()).as("phase of job %s", name).isEqualTo("Succeeded");
            }
            if (s.finished()) {
                assertThat(s.attempts()).as("attempts of finished job %s", name)
                        .isEqualTo(name.startsWith("flaky") ? FLAKY_ATTEMPTS : 1);
            }
        }
        for (Map.Entry<String, String> gone : deleting.entrySet()) {
            String[] kindName = gone.getKey().split("/");
            HasMetadata still = kindName[0].equals("DockerJob") ? cluster.job(kindName[1])
                    : cluster.container(kindName[1]);
            assertThat(still != null && gone.getValue().equals(still.getMetadata().getUid()))
                    .as("%s deleted, and its finalizer released", gone.getKey()).isFalse();
        }

        List<Container> all = AgentContainers.list(PREFIX);
        Map<String, List<Container>> byUid = AgentContainers.byWorkloadUid(all);
        Set<String> live = new HashSet<>();
        containers.forEach((name, dc) -> {
            live.add(dc.getMetadata().getUid());
            List<Container> mine = byUid.getOrDefault(dc.getMetadata().getUid(), List.of());
            assertThat(mine).as("containers of %s", name).hasSize(1);
            Container c = mine.getFirst();
            assertThat(c.status()).as("%s's container", name).isEqualTo("running");
            assertThat(c.image()).as("%s's image", name).isEqualTo(images.get(name));
            assertThat(c.env()).as("%s's env", name).contains("ROUND=" + rounds.get(name));
            assertThat(dc.getStatus().containerID()).as("containerID of %s", name).isEqualTo(c.id());
        });
        for (DockerJob job : jobs) {
            live.add(job.getMetadata().getUid());
            assertThat(byUid.getOrDefault(job.getMetadata().getUid(), List.of()))
                    .as("containers of job %s", job.getMetadata().getName()).hasSizeLessThanOrEqualTo(1);
        }
        assertThat(all).as("containers of no workload (orphans)")
                .allSatisfy(c -> assertThat(live).as("workload of %s", c.name()).contains(c.workloadUid()));
    }

    /** Each change carried out once (one create and one start), nothing else touched. */
    private void checkEvents(List<AgentContainers.Event> events, Set<String> changed) {
        List<String> containers = new ArrayList<>(STEADY);
        containers.add(TOGGLED);
        for (String name : containers) {
            Map<String, Integer> actions = AgentContainers.actions(events, PREFIX + name);
            if (!changed.contains(name)) {
                assertThat(actions).as("what happened to %s's container, which did not change", name).isEmpty();
            } else if (!images.containsKey(name)) {
                assertThat(actions).as("what happened to %s's container when it was deleted", name)
                        .doesNotContainKeys("create", "start").containsEntry("destroy", 1);
            } else {
                // changed or created: one container made and started, the old one (if any) removed
                assertThat(Map.of("create", actions.getOrDefault("create", 0), "start",
                        actions.getOrDefault("start", 0), "destroy", actions.getOrDefault("destroy", 0)))
                        .as("what happened to %s's containers: %s", name, actions)
                        .isEqualTo(Map.of("create", 1, "start", 1, "destroy", STEADY.contains(name) ? 1 : 0));
            }
        }
        assertThat(AgentContainers.actions(events, PREFIX + "steady")).as("what happened to the long-running job")
                .isEmpty();
        assertThat(AgentContainers.actions(events, PREFIX + quickJob)).as("what happened to job %s", quickJob)
                .containsEntry("create", 1).containsEntry("start", 1);
    }

    /** The machine's load, for a failure message: a bound missed on a starved machine says little. */
    private static String load() {
        try {
            String[] avg = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return "load average " + avg[0] + " " + avg[1] + " on " + Runtime.getRuntime().availableProcessors()
                    + " cores";
        } catch (IOException e) {
            return "load average unknown";
        }
    }

    private List<String> runs(String job) throws IOException {
        Path file = work.resolve("jobs").resolve(job).resolve("runs");
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }
}
