package io.kdop.e2e;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import io.kdop.hub.join.JoinInstructions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.tools.ToolProvider;

/**
 * Benchmark (not a test): the edge agent's resident memory while it manages a host, beside a JVM
 * that does nothing, started with the same options in the same run (the ratio is what compares
 * across machines). For each set of JVM options: the agent (a separate process, as on a host)
 * connects to the hub, runs {@code CONTAINERS} DockerContainers and a finished DockerJob,
 * heartbeats every second, and its VmRSS is sampled once a second for {@code SAMPLE} after
 * everything runs. Run by scripts/bench-agent-memory.sh.
 */
public final class AgentMemoryBenchmark {

    private static final String PREFIX = "kdop-bench-mem-";
    private static final int CONTAINERS = 20;
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Duration SAMPLE = Duration.ofSeconds(20);

    /** The option sets compared: what a plain `java -jar` gets, what the join command passes, and that with C1 only. */
    private static final Map<String, List<String>> OPTIONS = new java.util.LinkedHashMap<>();

    static {
        OPTIONS.put("JVM defaults (a plain java -jar)", List.of());
        OPTIONS.put("the published join command's (" + String.join(" ", JoinInstructions.AGENT_JVM_OPTIONS) + ")",
                JoinInstructions.AGENT_JVM_OPTIONS);
        // what the join command passed until tunnels measured what C1 alone costs them
        List<String> c1Only = new java.util.ArrayList<>(JoinInstructions.AGENT_JVM_OPTIONS);
        c1Only.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m"));
        OPTIONS.put("the same, C1 only", c1Only);
    }

    private AgentMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Repository.root().resolve("tests/e2e/target/bench-memory");
        deleteTree(work);
        Files.createDirectories(work);
        DockerCli.removeAll(PREFIX);
        Path idle = idleJvmClass(work.resolve("idle"));
        List<String> rows = new ArrayList<>();
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"))) {
            Cluster cluster = new Cluster(api.client());
            cluster.createHost("bench", null);
            String token = cluster.awaitJoinToken("bench");
            for (int i = 0; i < CONTAINERS; i++) {
                String name = PREFIX + i;
                cluster.apply(name, Specs.image(DockerContainerIT.IMAGE).name(name).command("sleep", "3600")
                        .host("bench").build());
            }
            int run = 0;
            for (var option : OPTIONS.entrySet()) {
                // the first run joins; the others start from the stored identity, as a restarted service does
                try (AgentProcess agent = AgentProcess.joinWith(option.getValue(), hub.address(), run == 0 ? token : null,
                        work.resolve("state"), work.resolve("agent-" + run + ".log"))) {
                    waitFor(() -> allRunning(cluster), Duration.ofMinutes(2));
                    Thread.sleep(SETTLE.toMillis()); // the JVM's start-up peak is not the steady state
                    List<Long> agentKb = sample(agent.pid());
                    Process baseline = startIdleJvm(option.getValue(), idle);
                    try {
                        Thread.sleep(SETTLE.toMillis());
                        List<Long> idleKb = sample(baseline.pid());
                        long a = median(agentKb);
                        long b = median(idleKb);
                        rows.add(String.format("| %s | %d | %d | %d | %.1f |", option.getKey(), a / 1024,
                                agentKb.stream().max(Long::compare).orElseThrow() / 1024, b / 1024, (double) a / b));
                    } finally {
                        baseline.destroyForcibly();
                        baseline.waitFor(10, TimeUnit.SECONDS);
                    }
                }
                run++;
            }
        } finally {
            DockerCli.removeAll(PREFIX);
        }
        System.out.printf("%d containers, Docker %s, Java %s%n", CONTAINERS, Docker.serverVersion(),
                System.getProperty("java.version"));
        System.out.println("| JVM options | agent RSS median MiB | agent RSS max MiB | idle JVM RSS MiB | ratio |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static boolean allRunning(Cluster cluster) {
        for (int i = 0; i < CONTAINERS; i++) {
            boolean running = Optional.ofNullable(cluster.container(PREFIX + i)).map(c -> c.getStatus())
                    .filter(s -> "Running".equals(s.phase())).isPresent();
            if (!running) {
                return false;
            }
        }
        return true;
    }

    /** VmRSS in KiB, once a second for {@link #SAMPLE}. */
    private static List<Long> sample(long pid) throws IOException, InterruptedException {
        List<Long> kb = new ArrayList<>();
        for (long n = 0; n < SAMPLE.toSeconds(); n++) {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    kb.add(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            Thread.sleep(1000);
        }
        return kb;
    }

    /** A class whose main only sleeps: what any JVM costs with these options. */
    private static Path idleJvmClass(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path source = dir.resolve("IdleJvm.java");
        Files.writeString(source, "public class IdleJvm { public static void main(String[] a) throws Exception {"
                + " Thread.sleep(Long.MAX_VALUE); } }");
        if (ToolProvider.getSystemJavaCompiler().run(null, null, null, source.toString()) != 0) {
            throw new IllegalStateException("cannot compile " + source);
        }
        return dir;
    }

    private static Process startIdleJvm(List<String> options, Path classDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", classDir.toString(), "IdleJvm"));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
