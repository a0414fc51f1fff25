package io.kdop.e2e;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JavaProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.join.JoinInstructions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (not a test): a connection through a kdop tunnel against a direct connection to the
 * container and against OpenSSH's remote forwarding ({@code ssh -R}, started by
 * scripts/bench-tunnel.sh), all in one run, to the same containers: a fire hose ({@code cat
 * /dev/zero}) for throughput and an echo server for 64-byte round trips. Also the CPU seconds the
 * hub and the agent spend per GiB, and the agent on the join command's C1-only JVM options
 * against the same with C2 allowed; and a direct host's connections (the hub to a published port)
 * beside that port. Usage: TunnelBenchmark [MiB per connection] [ssh hose port] [ssh echo port]
 */
public final class TunnelBenchmark {

    private static final String PREFIX = "kdop-tbench-";
    private static final int ROUND_TRIPS = 3000;

    private TunnelBenchmark() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int sshHose = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int sshEcho = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        // A fresh agent every run: the API stand-in numbers UIDs from a counter, so a kept state
        // directory would look like the same host and be enforced until the hub says otherwise.
        Path work = Repository.emptyDirectory("tests/e2e/target/tunnel-bench");
        DockerCli.removeAll(PREFIX);
        // the hub with -Xmx512m and the JVM's default collector (its pod runs Serial GC);
        // -Dkdop.bench.hubC1=true runs it on the tests' options (C1 only, Serial GC), as the first
        // figures in docs/benchmarks.md were taken
        List<String> hubJvm = profiled(Boolean.getBoolean("kdop.bench.hubC1") ? JavaProcess.TEST_JVM_OPTIONS
                : List.of("-Xmx512m"), work, "hub");
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(hubJvm, api.kubeconfig(), Ports.free(), work.resolve("hub.log"),
                        // the hub's default heartbeat: the tests' 1 s would add ten times the usual status writes
                        "--heartbeat-interval", "10s", "--heartbeat-grace", "40s",
                        // the direct-host rows: the hub drives this machine's Docker socket itself
                        "--direct-hosts=all")) {
            Cluster cluster = new Cluster(api.client());
            cluster.createHost("bench", null);
            String token = cluster.awaitJoinToken("bench");
            cluster.apply("hose", Specs.image("kdop-test/busybox:1").name(PREFIX + "hose")
                    .command("nc", "-ll", "-p", "9002", "-e", "cat", "/dev/zero").service("zeros", 9002, 9002)
                    .host("bench").build());
            cluster.apply("echo", Specs.image("kdop-test/busybox:1").name(PREFIX + "echo")
                    .command("nc", "-ll", "-p", "9000", "-e", "cat").service("echo", 9000, 9000).host("bench").build());
            List<String[]> rows = new ArrayList<>();
            // the join command's heap and GC options, with and without the JIT's second tier (C2)
            List<String> withC2 = JoinInstructions.AGENT_JVM_OPTIONS.stream()
                    .filter(o -> !o.startsWith("-XX:TieredStopAtLevel") && !o.startsWith("-XX:ReservedCodeCacheSize"))
                    .toList();
            List<String> c1Only = new ArrayList<>(withC2);
            c1Only.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m"));
            for (String jvm : new String[] {"C1 only", "C1 and C2"}) {
                List<String> options = profiled(jvm.equals("C1 only") ? c1Only : withC2, work, "agent-" + rows.size());
                try (AgentProcess agent = AgentProcess.joinWith(options, hub.address(), token, work.resolve("state"),
                        work.resolve("agent-" + rows.size() + ".log"))) {
                    token = null; // joined: the identity is stored
                    cluster.awaitPhase("bench", "Connected", Duration.ofSeconds(60));
                    cluster.awaitContainer("hose", "Running", s -> "Running".equals(s.phase()), Duration.ofSeconds(60));
                    cluster.awaitContainer("echo", "Running", s -> "Running".equals(s.phase()), Duration.ofSeconds(60));
                    int hose = listener(api, "tunnel-hose");
                    int echo = listener(api, "tunnel-echo");
                    // this agent's session is live (the host may still show Connected from the last one)
                    org.awaitility.Awaitility.await("a tunnel through this agent").atMost(Duration.ofSeconds(60))
                            .ignoreExceptions().until(() -> download(hose, 1) > 0);
                    // warm-up of both JVMs: until their compilers are done with these paths, round
                    // trips wait for compiler threads on the two cores (milliseconds each)
                    download(hose, 512);
                    roundTrips(echo, 20000);
                    parallel(hose, 16, 16);
                    double[] cpu0 = {cpuSeconds(hub.pid()), cpuSeconds(agent.pid())};
                    double tunnel = download(hose, mib);
                    double hubCpu = (cpuSeconds(hub.pid()) - cpu0[0]) / (mib / 1024.0);
                    double agentCpu = (cpuSeconds(agent.pid()) - cpu0[1]) / (mib / 1024.0);
                    double tunnel16 = parallel(hose, 16, mib / 8);
                    // Right after bulk transfers round trips are slow for about half a second (1-8
                    // ms, seen with the times of the slow ones): reported apart, then the steady
                    // state on a new connection.
                    printRtt(jvm + ", right after bulk", roundTrips(echo, ROUND_TRIPS));
                    long[] tunnelRtt = roundTrips(echo, ROUND_TRIPS);
                    printRtt(jvm + ", steady", tunnelRtt);
                    rows.add(new String[] {"tunnel, agent " + jvm, mbps(tunnel), micros(tunnelRtt, 50),
                            micros(tunnelRtt, 99), mbps(tunnel16), String.format("%.2f / %.2f", hubCpu, agentCpu),
                            String.valueOf(peakRssMib(agent.pid()))});
                    agent.stop(); // SIGTERM: a flight recording is written on the way out
                }
            }
            rows.addAll(directHost(api, cluster, hub, mib));
            String hoseIp = DockerCli.inspect(PREFIX + "hose", "{{.NetworkSettings.IPAddress}}");
            String echoIp = DockerCli.inspect(PREFIX + "echo", "{{.NetworkSettings.IPAddress}}");
            double direct = download(hoseIp, 9002, mib);
            long[] directRtt = roundTrips(echoIp, 9000, ROUND_TRIPS);
            double direct16 = parallel(hoseIp, 9002, 16, mib / 8);
            rows.add(0, new String[] {"direct to the container", mbps(direct), micros(directRtt, 50),
                    micros(directRtt, 99), mbps(direct16), "-", "-"});
            if (sshHose > 0) {
                double ssh = download("127.0.0.1", sshHose, mib);
                long[] sshRtt = roundTrips("127.0.0.1", sshEcho, ROUND_TRIPS);
                double ssh16 = parallel("127.0.0.1", sshHose, 16, mib / 8);
                rows.add(1, new String[] {"ssh -R (OpenSSH on loopback)", mbps(ssh), micros(sshRtt, 50),
                        micros(sshRtt, 99), mbps(ssh16), "-", "-"});
            }
            System.out.printf("%n%d MiB per single connection, %d MiB per connection with 16, %d round trips of 64 bytes%n",
                    mib, mib / 8, ROUND_TRIPS);
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s |%n", "path", "1 connection MiB/s", "RTT p50 µs",
                    "RTT p99 µs", "16 connections MiB/s", "CPU s/GiB hub / agent", "agent peak RSS MiB");
            System.out.println("|---|---|---|---|---|---|---|");
            for (String[] row : rows) {
                System.out.printf("| %s |%n", String.join(" | ", row));
            }
        } finally {
            DockerCli.removeAll(PREFIX);
        }
        System.exit(0);
    }

    /**
     * The same hose and echo on a direct host (the hub drives the local Docker socket, no agent):
     * connections go from the hub's listener to the port Docker published, beside that published
     * port itself (Docker's own proxy for loopback ports is in both paths).
     */
    private static List<String[]> directHost(ApiServerStandIn api, Cluster cluster, HubProcess hub, long mib)
            throws Exception {
        DockerHost local = new DockerHost();
        local.getMetadata().setName("local");
        local.getMetadata().setNamespace(Cluster.NS);
        local.setSpec(new DockerHostSpec());
        local.getSpec().setHostURL("unix:///var/run/docker.sock");
        api.client().resource(local).create();
        int hosePort = Ports.free();
        int echoPort = Ports.free();
        cluster.apply("dhose", Specs.image("kdop-test/busybox:1").name(PREFIX + "dhose")
                .command("nc", "-ll", "-p", "9002", "-e", "cat", "/dev/zero").port("127.0.0.1:" + hosePort + ":9002")
                .service("zeros", 9002, 9002).host("local").build());
        cluster.apply("decho", Specs.image("kdop-test/busybox:1").name(PREFIX + "decho")
                .command("nc", "-ll", "-p", "9000", "-e", "cat").port("127.0.0.1:" + echoPort + ":9000")
                .service("echo", 9000, 9000).host("local").build());
        cluster.awaitContainer("dhose", "Running", s -> "Running".equals(s.phase()), Duration.ofSeconds(60));
        cluster.awaitContainer("decho", "Running", s -> "Running".equals(s.phase()), Duration.ofSeconds(60));
        int hose = listener(api, "tunnel-dhose");
        int echo = listener(api, "tunnel-decho");
        org.awaitility.Awaitility.await("a connection through the hub to the direct host").atMost(Duration.ofSeconds(60))
                .ignoreExceptions().until(() -> download(hose, 1) > 0);
        download(hose, 512);
        roundTrips(echo, 20000);
        parallel(hose, 16, 16);
        double cpu0 = cpuSeconds(hub.pid());
        double through = download(hose, mib);
        double hubCpu = (cpuSeconds(hub.pid()) - cpu0) / (mib / 1024.0);
        double through16 = parallel(hose, 16, mib / 8);
        printRtt("direct host, right after bulk", roundTrips(echo, ROUND_TRIPS));
        long[] rtt = roundTrips(echo, ROUND_TRIPS);
        printRtt("direct host, steady", rtt);
        double published = download(hosePort, mib);
        long[] publishedRtt = roundTrips(echoPort, ROUND_TRIPS);
        double published16 = parallel(hosePort, 16, mib / 8);
        return List.of(
                new String[] {"direct host: its published port", mbps(published), micros(publishedRtt, 50),
                        micros(publishedRtt, 99), mbps(published16), "-", "-"},
                new String[] {"direct host: through the hub", mbps(through), micros(rtt, 50), micros(rtt, 99),
                        mbps(through16), String.format("%.2f / -", hubCpu), "-"});
    }

    private static void printRtt(String label, long[] sorted) {
        System.err.printf("RTT %s: p50 %s p90 %s p99 %s p99.9 %s max %s%n", label, micros(sorted, 50),
                micros(sorted, 90), micros(sorted, 99), String.format("%.0f", sorted[sorted.length * 999 / 1000] / 1000.0),
                String.format("%.0f", sorted[sorted.length - 1] / 1000.0));
    }

    /**
     * Each process logs its collections with wall-clock times into the work directory (to lay
     * beside the slow round trips); with -Dkdop.bench.profile=true it also records a flight recording.
     */
    private static List<String> profiled(List<String> options, Path work, String name) {
        List<String> all = new ArrayList<>(options);
        all.add("-Xlog:gc:file=" + work.resolve(name + "-gc.log") + ":utctime,uptime");
        if (!Boolean.getBoolean("kdop.bench.profile")) {
            return all;
        }
        all.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + work.resolve(name + ".jfr"));
        return all;
    }

    private static int listener(ApiServerStandIn api, String service) {
        org.awaitility.Awaitility.await(service).atMost(Duration.ofSeconds(60))
                .until(() -> api.client().services().inNamespace(Cluster.NS).withName(service).get() != null);
        return api.client().services().inNamespace(Cluster.NS).withName(service).get().getSpec().getPorts().getFirst()
                .getTargetPort().getIntVal();
    }

    private static double download(int port, long mib) throws IOException {
        return download("127.0.0.1", port, mib);
    }

    /** Reads the MiB from a fire hose; returns MiB/s. */
    private static double download(String host, int port, long mib) throws IOException {
        try (Socket socket = hose(host, port)) {
            long start = System.nanoTime();
            read(socket, mib);
            return mib / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * A connection to a fire hose that has started to flow. busybox {@code nc -ll} listens with a
     * backlog of 2: connections opened at once overflow it, and the kernel then drops the
     * handshake's last ACK, which leaves the client a connection that never gets data; the first
     * byte proves that the server took this one.
     */
    private static Socket hose(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        if (socket.getInputStream().read() < 0) {
            socket.close();
            throw new IOException("the hose closed at once");
        }
        return socket;
    }

    private static void read(Socket socket, long mib) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[256 * 1024];
        long left = mib << 20;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the hose ended early");
            }
            left -= n;
        }
    }

    private static double parallel(int port, int connections, long mibEach) throws Exception {
        return parallel("127.0.0.1", port, connections, mibEach);
    }

    /** Aggregate MiB/s of parallel downloads; the connections are opened one after another first. */
    private static double parallel(String host, int port, int connections, long mibEach) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                sockets.add(hose(host, port));
            }
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new ArrayList<>();
                for (Socket socket : sockets) {
                    all.add(pool.submit(() -> {
                        read(socket, mibEach);
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
            return connections * mibEach / ((System.nanoTime() - start) / 1e9);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static long[] roundTrips(int port, int count) throws IOException {
        return roundTrips("127.0.0.1", port, count);
    }

    /** Nanoseconds of each 64-byte write-then-read-back on one connection to an echo server, sorted. */
    private static long[] roundTrips(String host, int port, int count) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(30_000); // a lost message fails the run instead of hanging it
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] message = new byte[64];
            long[] times = new long[count];
            List<String> slow = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                out.write(message);
                if (in.readNBytes(message, 0, 64) != 64) {
                    throw new IOException("the echo ended early");
                }
                times[i] = System.nanoTime() - start;
                if (times[i] > 1_000_000) {
                    slow.add(java.time.Instant.now() + " " + times[i] / 1000 + "us");
                }
            }
            // when the slow ones came, to lay beside the processes' GC logs (same clock)
            System.err.printf("round trips over 1 ms to %s:%d: %d %s%n", host, port, slow.size(),
                    slow.subList(0, Math.min(slow.size(), 60)));
            Arrays.sort(times);
            return times;
        }
    }

    /** The most resident memory a process has had (VmHWM), in MiB. */
    private static long peakRssMib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024).findFirst().orElse(-1);
    }

    /** user + system CPU seconds of a process, from /proc. */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // USER_HZ is 100 on Linux
    }

    private static String mbps(double value) {
        return String.format("%.0f", value);
    }

    private static String micros(long[] sorted, int percentile) {
        return String.format("%.0f", sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1000.0);
    }
}
