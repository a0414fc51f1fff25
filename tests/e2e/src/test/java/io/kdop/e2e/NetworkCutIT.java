package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.e2e.support.AgentContainers;
import io.kdop.e2e.support.AgentContainers.Container;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.NetworkNamespace;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.container.DockerContainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The edge host's link to the hub is cut for 60 s (the agent runs in a network namespace of its
 * own, reaching the hub over a veth pair; every packet is then silently lost both ways, as on a
 * WAN outage): the containers are not touched, the host shows Disconnected within the heartbeat
 * grace and Connected again once the link is back, and nothing was restarted or recreated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkCutIT {

    private static final String PREFIX = "kdop-e2e-cut-";
    private static final List<String> NAMES = List.of("alpha", "beta", "gamma");
    private static final Duration CUT = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * The hub marks a host Disconnected after --heartbeat-grace without a heartbeat, noticed on its
     * next status pass: grace plus a few seconds.
     */
    private static final Duration DISCONNECTED_WITHIN = Duration.ofSeconds(HubProcess.HEARTBEAT_GRACE_SECONDS + 6);
    /**
     * Nothing tells either end that the link is back: the hub's gRPC keepalive (30 s, 10 s to
     * answer) gave the connection up during the cut, and the agent learns that from the first
     * packet that gets through (TCP retransmissions back off to tens of seconds) or at the latest
     * from its own keepalive (60 s of silence, 20 s to answer); then it dials again within its
     * backoff (--max-backoff 2s here). Measured: a few seconds.
     */
    private static final Duration RECONNECTED_WITHIN = Duration.ofSeconds(90);

    private NetworkNamespace network;
    private ApiServerStandIn api;
    private HubProcess hub;
    private AgentProcess agent;

    @AfterAll
    void tearDown() {
        // the namespace last: its rules and link go even when the test failed half-way
        Teardown.closeAll(agent, hub, api, network);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void aCutLinkLeavesTheContainersAloneAndTheHostComesBack() {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        Path work = Repository.emptyDirectory("tests/e2e/target/faults/network-cut"); // the logs stay
        network = NetworkNamespace.create();
        api = new ApiServerStandIn(work);
        Cluster cluster = new Cluster(api.client());
        int port = Ports.free();
        // the agent dials the machine's end of the veth: the hub's certificate must name that address
        hub = HubProcess.start(api, port, work.resolve("hub.log"), "--tls-san", network.hostAddress());
        cluster.createHost("edge-1", null);
        agent = AgentProcess.joinIn(network, network.hostAddress() + ":" + port, cluster.awaitJoinToken("edge-1"),
                work.resolve("state"), work.resolve("agent.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        for (String name : NAMES) {
            cluster.apply(name, Specs.image(DockerJobIT.IMAGE).name(PREFIX + name).command("sleep", "3600")
                    .host("edge-1").build());
        }
        for (String name : NAMES) {
            cluster.awaitContainer(name, "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        }
        Map<String, String> before = runs();
        assertThat(before).hasSize(NAMES.size());

        Instant cutAt = Instant.now();
        network.cut();
        cluster.awaitHostStatus("edge-1", "Disconnected", s -> "Disconnected".equals(s.getPhase()),
                DISCONNECTED_WITHIN);
        long disconnectedAfter = Duration.between(cutAt, Instant.now()).toMillis();
        for (String name : NAMES) {
            DockerContainerStatus s = cluster.awaitContainer(name, "Unknown", st -> "Unknown".equals(st.phase()),
                    TIMEOUT);
            assertThat(Cluster.readyReason(s)).isEqualTo("HostDisconnected");
        }
        assertThat(agent.isAlive()).as("the agent rides out the cut").isTrue();
        try {
            Thread.sleep(Math.max(0, CUT.minus(Duration.between(cutAt, Instant.now())).toMillis())); // the cut's length
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(runs()).as("the containers ran on, untouched, during the cut").isEqualTo(before);

        Instant restoredAt = Instant.now();
        network.restore();
        cluster.awaitHostStatus("edge-1", "Connected again", s -> "Connected".equals(s.getPhase())
                && "AgentConnected".equals(Cluster.readyReason(s)), RECONNECTED_WITHIN);
        long connectedAfter = Duration.between(restoredAt, Instant.now()).toMillis();
        for (String name : NAMES) {
            String id = before.get(name).split(" ")[0];
            cluster.awaitContainer(name, "Running with its container", st -> "Running".equals(st.phase())
                    && id.equals(st.containerID()), TIMEOUT);
        }
        assertThat(runs()).as("nothing restarted or recreated").isEqualTo(before);
        assertThat(AgentContainers.events(PREFIX, cutAt, Instant.now())).as("Docker events of the containers")
                .isEmpty();
        System.out.printf("NetworkCutIT: link cut by %s for %d s; Disconnected after %d ms, Connected %d ms after "
                + "the link was back%n", network.cutMethod(), CUT.toSeconds(), disconnectedAfter, connectedAfter);
    }

    /** Each container's id and StartedAt, by workload name: a restart or recreation changes them. */
    private static Map<String, String> runs() {
        Map<String, String> runs = new TreeMap<>();
        for (Container c : AgentContainers.list(PREFIX)) {
            assertThat(runs.put(c.workloadName(), c.run())).as("a second container of %s", c.workloadName()).isNull();
        }
        return runs;
    }
}
