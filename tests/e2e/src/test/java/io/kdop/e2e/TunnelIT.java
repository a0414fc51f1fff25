package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.TcpClient;
import io.kdop.e2e.support.Teardown;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods reach edge containers through Kubernetes Services: a DockerContainer with {@code services}
 * gets the Service tunnel-NAME, and a connection to it (the hub's listener behind it) is carried
 * over the agent's own connection to the container's port. Real TCP, hub and agent as processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunnelIT {

    private static final String PREFIX = "kdop-tunnel-";
    private static final String IMAGE = "kdop-test/busybox:1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Path work;
    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;
    private int hubPort;

    @BeforeAll
    void startHubAndAgent(@TempDir Path work) {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        this.work = work;
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
        hubPort = Ports.free();
        hub = HubProcess.start(api, hubPort, work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), work.resolve("state"),
                work.resolve("agent.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        // a web server and an echo server (each connection: cat), both reached only through tunnels
        cluster.apply("web", Specs.image(IMAGE).name(PREFIX + "web")
                .command("sh", "-c", "echo hello-from-the-edge > /tmp/index.html && exec httpd -f -p 8080 -h /tmp")
                .service("http", 80, 8080).host("edge-1").build());
        cluster.apply("echo", Specs.image(IMAGE).name(PREFIX + "echo").command("nc", "-ll", "-p", "9000", "-e", "cat")
                .service("echo", 9000, 9000).service("closed", 9001, 9001).host("edge-1").build());
        // and a fire hose: every connection gets zeros as fast as it reads them
        cluster.apply("hose", Specs.image(IMAGE).name(PREFIX + "hose").command("nc", "-ll", "-p", "9002", "-e", "cat",
                "/dev/zero").service("zeros", 9002, 9002).host("edge-1").build());
        cluster.awaitContainer("web", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        cluster.awaitContainer("echo", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        cluster.awaitContainer("hose", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
    }

    @AfterAll
    void stopAll() {
        Teardown.closeAll(agent, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    @Order(1)
    void aPodFetchesAFileFromTheContainerThroughItsService() {
        Service service = awaitService("tunnel-web");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(80);
        });
        assertThat(service.getSpec().getSelector()).as("no selector: the hub writes the endpoints").isNullOrEmpty();
        assertThat(service.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("DockerContainer/web"));
        EndpointSlice slice = api.client().discovery().v1().endpointSlices().inNamespace(Cluster.NS)
                .withName("tunnel-web").get();
        assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "tunnel-web");
        assertThat(slice.getEndpoints()).singleElement().satisfies(e ->
                assertThat(e.getAddresses()).singleElement().asString().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
        int listener = slice.getPorts().getFirst().getPort();
        assertThat(listener).isEqualTo(service.getSpec().getPorts().getFirst().getTargetPort().getIntVal());

        String response = TcpClient.httpGet(listener, "/index.html");

        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("hello-from-the-edge");
    }

    @Test
    @Order(2)
    void aHundredConnectionsMoveTenMebibytesEachBothWaysEveryByteIntact() throws Exception {
        int listener = listenerPort("tunnel-echo", 9000);
        List<Future<TcpClient.Echo>> transfers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                long seed = i;
                transfers.add(clients.submit(() -> TcpClient.echo(listener, 10L << 20, seed)));
            }
        }
        for (Future<TcpClient.Echo> transfer : transfers) {
            TcpClient.Echo echo = transfer.get();
            // the client half-closed after sending: the answer still arrived, every byte of it
            assertThat(echo.bytesReceived()).isEqualTo(10L << 20);
            assertThat(echo.received()).isEqualTo(echo.sent());
        }
    }

    @Test
    @Order(3)
    void aContainerPortNobodyListensOnResetsTheClientWithinASecond() throws Exception {
        int listener = listenerPort("tunnel-echo", 9001);
        try (Socket socket = TcpClient.connect(listener, Duration.ofSeconds(10))) {
            TcpClient.Ending ending = TcpClient.readUntilEnd(socket);
            assertThat(ending.reset()).as("reset, not an orderly close").isTrue();
            assertThat(ending.after()).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(agent.log()).contains("nothing listens on " + Cluster.NS + "/echo:9001");
    }

    @Test
    @Order(4)
    void aHubRestartKeepsTheServicesAndTheirPortsAndTunnelsWorkAgain() {
        Service before = awaitService("tunnel-web");
        int listener = before.getSpec().getPorts().getFirst().getTargetPort().getIntVal();
        hub.stop();
        hub = HubProcess.start(api, hubPort, work.resolve("hub-2.log"));
        hub.awaitLog("session opened: " + Cluster.NS + "/edge-1", TIMEOUT);

        Service after = awaitService("tunnel-web");
        assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
        assertThat(after.getSpec().getPorts().getFirst().getTargetPort().getIntVal()).isEqualTo(listener);
        await("a tunnel through the restarted hub").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> TcpClient.httpGet(listener, "/index.html").contains("hello-from-the-edge"));
    }

    @Test
    @Order(5)
    void theAgentKilledMidTransferEndsThoseTransfersAndNewConnectionsWorkOnceItIsBack() throws Exception {
        int listener = listenerPort("tunnel-echo", 9000);
        Socket inFlight = TcpClient.connect(listener, Duration.ofSeconds(30));
        inFlight.getOutputStream().write(new byte[1 << 20]);
        agent.kill();
        TcpClient.Ending ending = TcpClient.readUntilEnd(inFlight);
        assertThat(ending.bytes().length).as("the transfer did not complete").isLessThan(1 << 20);
        inFlight.close();

        agent = AgentProcess.join(hub.address(), null, work.resolve("state"), work.resolve("agent-2.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        await("a new tunnel once the agent is back").atMost(TIMEOUT).ignoreExceptions().until(() -> {
            TcpClient.Echo echo = TcpClient.echo(listener, 1 << 16, 7);
            return echo.received().equals(echo.sent());
        });
    }

    @Test
    @Order(6)
    void deletingTheContainerDeletesItsService() {
        cluster.deleteContainer("web", TIMEOUT);
        // the API stand-in runs no garbage collector: the owner reference is what a real one follows
        assertThat(api.client().services().inNamespace(Cluster.NS).withName("tunnel-echo").get()
                .getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("DockerContainer"));
    }

    @Test
    @Order(7)
    void aSlowReaderSlowsOnlyItsOwnTunnelAndTheHubDoesNotBufferWhatItHasNotRead() throws Exception {
        int echo = listenerPort("tunnel-echo", 9000);
        int hose = listenerPort("tunnel-hose", 9002);
        long alone = timed(() -> TcpClient.echo(echo, 16L << 20, 1));
        long heapBefore = hubHeapAfterGc();

        try (Socket slow = TcpClient.connect(hose, Duration.ofSeconds(30))) {
            byte[] kib = new byte[1024];
            long read = 0;
            long start = System.nanoTime();
            long beside = 0;
            for (int second = 0; second < 12; second++) {
                read += slow.getInputStream().readNBytes(kib, 0, kib.length); // 1 KiB/s
                if (second == 4) {
                    beside = timed(() -> TcpClient.echo(echo, 16L << 20, 2));
                }
                Thread.sleep(1000);
            }
            assertThat(read).isEqualTo(12 * 1024);
            long heapAfter = hubHeapAfterGc();
            // the hose would have sent gigabytes in 12 s; the hub holds at most a window of them
            assertThat(heapAfter - heapBefore).as("hub heap growth (bytes)").isLessThan(16L << 20);
            assertThat(beside).as("16 MiB echoed beside the slow reader vs alone (%d ms)", alone / 1_000_000)
                    .isLessThan(Math.max(3 * alone, alone + 5_000_000_000L));
            assertThat(System.nanoTime() - start).isGreaterThan(11_000_000_000L);
        }
    }

    @Test
    @Order(8)
    void removingTheServicesFromASpecDeletesTheServiceAndKeepsTheContainer() {
        String before = DockerCli.id(PREFIX + "hose");
        cluster.apply("hose", Specs.image(IMAGE).name(PREFIX + "hose").command("nc", "-ll", "-p", "9002", "-e", "cat",
                "/dev/zero").host("edge-1").build());

        await("Service tunnel-hose deleted").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> api.client().services().inNamespace(Cluster.NS).withName("tunnel-hose").get() == null);
        assertThat(api.client().discovery().v1().endpointSlices().inNamespace(Cluster.NS).withName("tunnel-hose").get())
                .isNull();
        cluster.awaitContainer("hose", "without a Service", s -> s.service() == null, TIMEOUT);
        assertThat(DockerCli.id(PREFIX + "hose")).as("a Service going away touches no container").isEqualTo(before);
    }

    private interface Transfer {
        TcpClient.Echo run() throws Exception;
    }

    /** Nanoseconds an echo took; fails when it lost or changed a byte. */
    private static long timed(Transfer transfer) throws Exception {
        long start = System.nanoTime();
        TcpClient.Echo echo = transfer.run();
        assertThat(echo.received()).isEqualTo(echo.sent());
        return System.nanoTime() - start;
    }

    /** The hub's used heap after a full collection, as jcmd reads it. */
    private long hubHeapAfterGc() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        io.kdop.e2e.support.Cli.run(Duration.ofSeconds(30), jcmd, String.valueOf(hub.pid()), "GC.run").orFail();
        String info = io.kdop.e2e.support.Cli.run(Duration.ofSeconds(30), jcmd, String.valueOf(hub.pid()),
                "GC.heap_info").orFail();
        // every generation's line: "<name> total NNNK, used NNNK [...]"
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        long total = 0;
        while (used.find()) {
            total += Long.parseLong(used.group(1)) * 1024;
        }
        assertThat(total).as("jcmd GC.heap_info: %s", info).isPositive();
        return total;
    }

    private Service awaitService(String name) {
        await("Service " + name).atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> api.client().services().inNamespace(Cluster.NS).withName(name).get() != null);
        return api.client().services().inNamespace(Cluster.NS).withName(name).get();
    }

    /** The hub's listener behind the Service's port: where kube-proxy would send a pod's connection. */
    private int listenerPort(String service, int port) {
        return awaitService(service).getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst()
                .orElseThrow().getTargetPort().getIntVal();
    }
}
