package io.kdop.e2e;

import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.SimulatedAgent;
import io.kdop.e2e.support.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark (not a test): how long a DockerContainer takes from {@code kubectl apply} to the
 * desired state of its host persisted by that host's agent, with 1 agent connected and with many,
 * and what each connected agent costs the hub in memory. The hub is its own process (as in the
 * e2e tests); the agents are {@link SimulatedAgent}s in this JVM: the real join, mTLS session,
 * heartbeats and atomic, fsynced persistence, without Docker. The latency with one agent is the
 * baseline; the ratio is what compares across machines. A first fleet of one agent warms the hub
 * up and is not reported. Run by scripts/bench-propagation.sh.
 */
public final class PropagationBenchmark {

    /** Serial GC's "DefNew total …K, used …K" and "Tenured total …K, used …K" lines. */
    private static final Pattern USED = Pattern.compile(
            "(?m)^\\s*(?:DefNew|Tenured|def new generation|tenured generation)\\s+total \\d+K, used (\\d+)K");
    private static final int ROUNDS = 30;
    /** Rounds not counted, per fleet: the hub's JIT warms up on them. */
    private static final int WARM_UP = 10;

    private PropagationBenchmark() {}

    /** The outcome of one fleet size. */
    private record Result(int agents, List<Long> latencyNanos, long heapKbBefore, long heapKbAfter, long rssKbBefore,
            long rssKbAfter) {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? List.of(args).stream().map(Integer::parseInt).toList() : List.of(1, 100);
        Path work = Repository.emptyDirectory("tests/e2e/target/bench-propagation");
        List<Result> results = new ArrayList<>();
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"))) {
            Cluster cluster = new Cluster(api.client());
            // a first fleet of one, not reported: a cold hub (and API stand-in) is slower than any fleet size
            fleet(cluster, hub, work, "warm-", 1);
            for (int f = 0; f < sizes.size(); f++) {
                results.add(fleet(cluster, hub, work, "f" + f + "-", sizes.get(f)));
            }
        }
        System.out.printf("%d rounds per fleet; hub: -Xmx256m, Serial GC; heap after a full GC%n", ROUNDS);
        System.out.println("| agents connected | apply → persisted on the agent, median ms | p90 ms | ratio to 1 agent "
                + "| hub heap per agent KiB | hub RSS per agent KiB |");
        System.out.println("|---|---|---|---|---|---|");
        long baseline = median(results.getFirst().latencyNanos());
        for (Result r : results) {
            System.out.printf("| %d | %.1f | %.1f | %.2f | %s | %s |%n", r.agents(), median(r.latencyNanos()) / 1e6,
                    p90(r.latencyNanos()) / 1e6, (double) median(r.latencyNanos()) / baseline,
                    perAgent(r.heapKbAfter() - r.heapKbBefore(), r.agents()),
                    perAgent(r.rssKbAfter() - r.rssKbBefore(), r.agents()));
        }
        System.exit(0);
    }

    private static Result fleet(Cluster cluster, HubProcess hub, Path work, String prefix, int n) throws Exception {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = prefix + i;
            cluster.createHost(name, null);
            hosts.add(name);
        }
        List<String> tokens = new ArrayList<>();
        for (String host : hosts) {
            tokens.add(cluster.awaitJoinToken(host));
        }
        long heapBefore = heapUsedAfterGc(hub.pid());
        long rssBefore = rssKb(hub.pid());
        List<SimulatedAgent> agents = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                agents.add(new SimulatedAgent(hub.address(), tokens.get(i), work.resolve("state-" + hosts.get(i))));
            }
            waitFor(() -> hosts.stream().allMatch(h -> Optional.ofNullable(cluster.host(h).getStatus())
                    .map(s -> "Connected".equals(s.getPhase())).orElse(false)), Duration.ofMinutes(5), 200);
            long heapAfter = heapUsedAfterGc(hub.pid());
            long rssAfter = rssKb(hub.pid());
            List<Long> latencies = new ArrayList<>();
            for (int r = -WARM_UP; r < ROUNDS; r++) {
                int i = Math.floorMod(r * 7919, n); // spread over the fleet
                String name = prefix + "c" + (r + WARM_UP);
                long t0 = System.nanoTime();
                cluster.apply(name, Specs.image("kdop-test/busybox:1").name(name).command("sleep", "3600")
                        .host(hosts.get(i)).build());
                SimulatedAgent agent = agents.get(i);
                waitFor(() -> agent.arrivedAt(name).isPresent(), Duration.ofSeconds(60), 2);
                if (r >= 0) {
                    latencies.add(agent.arrivedAt(name).orElseThrow() - t0);
                }
            }
            return new Result(n, latencies, heapBefore, heapAfter, rssBefore, rssAfter);
        } finally {
            for (SimulatedAgent a : agents) {
                a.close();
            }
        }
    }

    /** The hub's live heap: a full GC, then the generations' used sizes (jcmd GC.heap_info). */
    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
        long kb = 0;
        while (m.find()) {
            kb += Long.parseLong(m.group(1));
        }
        return kb;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static String perAgent(long kb, int agents) {
        return agents < 10 ? "–" : Long.toString(kb / agents); // a few agents are below the noise
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static long p90(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1));
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout, long pollMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + timeout);
            }
            Thread.sleep(pollMillis);
        }
    }

}
