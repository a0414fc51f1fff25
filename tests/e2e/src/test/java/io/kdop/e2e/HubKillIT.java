package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.AgentContainers;
import io.kdop.e2e.support.AgentContainers.Container;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the hub while its agents report a burst of status changes (every container of two
 * hosts recreated for a new spec), then a restart: every DockerContainer's status ends up telling
 * Docker's truth (phase, container ID, generation: nothing lost), and Docker's events show each
 * container recreated exactly once (nothing restarted or duplicated by the hub's comeback).
 * Every other round the kill lands at a random moment of the burst; the rounds between aim it at
 * the end of the burst, just after the agents' last reports went out, while the hub writes them.
 *
 * <p>The kill moments come from a seeded random generator; the seed is printed and
 * {@code -Dkdop.faults.seed=SEED} replays a run.
 */
class HubKillIT {

    private static final String PREFIX = "kdop-e2e-hubkill-";
    private static final String SERVE = "trap 'exit 0' TERM; sleep 3600 & wait";
    private static final List<String> HOSTS = List.of("edge-1", "edge-2");
    private static final int PER_HOST = 6;
    private static final int ROUNDS = Integer.getInteger("kdop.faults.rounds", 5);
    private static final int MAX_KILL_DELAY_MILLIS = 4000;
    private static final int MAX_AIMED_KILL_DELAY_MILLIS = 300;
    /** What an agent logs for each container it recreated. */
    private static final String RECREATED = "created and started";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killingTheHubMidReportLosesNoStatusAndTouchesNoContainer() throws Exception {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        Path work = Repository.emptyDirectory("tests/e2e/target/faults/hub-kill");
        long seed = Long.getLong("kdop.faults.seed", System.nanoTime());
        System.out.println("HubKillIT: seed " + seed + " (replay with -Dkdop.faults.seed=" + seed + ")");
        Random random = new Random(seed);
        int port = Ports.free();
        ApiServerStandIn api = new ApiServerStandIn(work);
        HubProcess hub = null;
        List<AgentProcess> agents = new ArrayList<>();
        try {
            Cluster cluster = new Cluster(api.client());
            hub = HubProcess.start(api, port, work.resolve("hub-0.log"));
            List<String> names = new ArrayList<>();
            for (String host : HOSTS) {
                cluster.createHost(host, null);
                agents.add(AgentProcess.join(hub.address(), cluster.awaitJoinToken(host), work.resolve("state-" + host),
                        work.resolve("agent-" + host + ".log")));
                for (int n = 1; n <= PER_HOST; n++) {
                    names.add(host + "-c" + n);
                }
            }
            applyAll(cluster, names, 0);
            awaitTruth(cluster, names, 0);

            for (int round = 1; round <= ROUNDS; round++) {
                Instant t0 = Instant.now();
                boolean aimed = round % 2 == 0;
                int delay = random.nextInt((aimed ? MAX_AIMED_KILL_DELAY_MILLIS : MAX_KILL_DELAY_MILLIS) + 1);
                String when = aimed ? delay + " ms after the agents' last recreation" : delay + " ms after the change";
                try {
                    int recreatedBefore = recreations(agents);
                    applyAll(cluster, names, round);
                    if (aimed) {
                        await("the agents recreated every container").atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
                                .until(() -> recreations(agents) >= recreatedBefore + names.size());
                    }
                    Thread.sleep(delay); // the test's input: when the kill lands in the burst of reports
                    hub.kill();
                    System.out.printf("HubKillIT: round %d, hub killed %s: %s%n", round, when,
                            progress(cluster, names, round));
                    hub = HubProcess.start(api, port, work.resolve("hub-" + round + ".log"));
                    awaitTruth(cluster, names, round);
                    List<AgentContainers.Event> events = AgentContainers.events(PREFIX, t0, Instant.now());
                    for (String name : names) {
                        Map<String, Integer> actions = AgentContainers.actions(events, PREFIX + name);
                        assertThat(Map.of("create", actions.getOrDefault("create", 0), "start",
                                actions.getOrDefault("start", 0), "destroy", actions.getOrDefault("destroy", 0)))
                                .as("what happened to %s's containers: %s", name, actions)
                                .isEqualTo(Map.of("create", 1, "start", 1, "destroy", 1));
                    }
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", round " + round + " (hub killed " + when
                            + "), logs in " + work + ": " + e.getMessage(), e);
                }
            }
        } finally {
            List<AutoCloseable> all = new ArrayList<>(agents);
            all.add(hub);
            all.add(api);
            Teardown.closeAll(all.toArray(AutoCloseable[]::new));
            DockerCli.removeAll(PREFIX);
        }
    }

    /** A new spec for every container (its env says the round): each must be recreated. */
    private static void applyAll(Cluster cluster, List<String> names, int round) {
        for (String name : names) {
            cluster.apply(name, Specs.image(DockerJobIT.IMAGE).name(PREFIX + name).command("sh", "-c", SERVE)
                    .env("ROUND=" + round).host(name.substring(0, name.indexOf("-c"))).build());
        }
    }

    /** How many containers the agents recreated so far, by their logs. */
    private static int recreations(List<AgentProcess> agents) {
        return agents.stream().mapToInt(a -> a.log().split(RECREATED, -1).length - 1).sum();
    }

    /** How far the burst got when the hub died: containers recreated, statuses naming them written. */
    private static String progress(Cluster cluster, List<String> names, int round) {
        Map<String, List<Container>> byUid = AgentContainers.byWorkloadUid(AgentContainers.list(PREFIX));
        int recreated = 0;
        int told = 0;
        for (String name : names) {
            DockerContainer dc = cluster.container(name);
            List<Container> mine = byUid.getOrDefault(dc.getMetadata().getUid(), List.of());
            if (mine.size() == 1 && mine.getFirst().env().contains("ROUND=" + round)) {
                recreated++;
                if (dc.getStatus() != null && mine.getFirst().id().equals(dc.getStatus().containerID())) {
                    told++;
                }
            }
        }
        return recreated + "/" + names.size() + " containers recreated, " + told + " of them in their status";
    }

    /** Every container as declared in Docker, once, and every status saying exactly that. */
    private static void awaitTruth(Cluster cluster, List<String> names, int round) {
        await("every status tells Docker's truth").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> {
                    Map<String, List<Container>> byUid = AgentContainers.byWorkloadUid(AgentContainers.list(PREFIX));
                    List<String> untrue = new ArrayList<>();
                    for (String name : names) {
                        untruth(cluster.container(name), byUid, round).ifPresent(why -> untrue.add(name + ": " + why));
                    }
                    // every container's story, so that a failure shows whether one host or one container lags
                    assertThat(untrue).as("statuses that do not tell Docker's truth").isEmpty();
                });
    }

    /** How a DockerContainer's status (or its container) differs from what round {@code round} declared. */
    private static Optional<String> untruth(DockerContainer dc, Map<String, List<Container>> byUid,
            int round) {
        List<Container> mine = byUid.getOrDefault(dc.getMetadata().getUid(), List.of());
        if (mine.size() != 1) {
            return Optional.of(mine.size() + " containers");
        }
        Container c = mine.getFirst();
        if (!c.env().contains("ROUND=" + round)) {
            return Optional.of("container " + c.id() + " runs an older spec: " + c.env());
        }
        if (!"running".equals(c.status())) {
            return Optional.of("container " + c.id() + " is " + c.status());
        }
        DockerContainerStatus s = dc.getStatus();
        if (s == null) {
            return Optional.of("no status");
        }
        String told = s.phase() + " " + s.containerID() + " generation " + s.observedGeneration() + " ready "
                + Cluster.readyReason(s);
        boolean truth = "Running".equals(s.phase()) && c.id().equals(s.containerID())
                && Objects.equals(s.observedGeneration(), dc.getMetadata().getGeneration())
                && "Running".equals(Cluster.readyReason(s));
        return truth ? Optional.empty() : Optional.of("status says " + told + ", Docker runs "
                + c.id() + " at generation " + dc.getMetadata().getGeneration());
    }
}
