package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
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
import io.kdop.hub.api.DockerService;
import io.kdop.hub.api.container.ServicePort;
import io.kdop.hub.api.service.DockerServiceSpec;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DockerService spreads a Service's connections over the ready DockerContainers it selects,
 * on two hosts: an unhealthy one stops getting connections at once, a host whose agent left takes
 * its backends with it, and connections already open to a healthy backend are not cut.
 */
class DockerServiceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PREFIX = "kdop-svc-";

    @TempDir
    Path work;

    private ApiServerStandIn api;
    private HubProcess hub;
    private AgentProcess agent1;
    private AgentProcess agent2;

    @AfterEach
    void stopAll() {
        Teardown.closeAll(agent1, agent2, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void connectionsGoToTheReadyBackendsOnlyWhereverTheyRun() throws Exception {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        api = new ApiServerStandIn(work);
        Cluster cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        cluster.createHost("edge-2", null);
        agent1 = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), work.resolve("state-1"),
                work.resolve("agent-1.log"));
        agent2 = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-2"), work.resolve("state-2"),
                work.resolve("agent-2.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        cluster.awaitPhase("edge-2", "Connected", TIMEOUT);
        for (String[] backend : new String[][] {{"a", "edge-1"}, {"b", "edge-1"}, {"c", "edge-2"}}) {
            cluster.apply(backend[0], Map.of("app", "greeter"), Specs.image("kdop-test/busybox:1")
                    .name(PREFIX + backend[0])
                    .command("sh", "-c", "echo I-am-" + backend[0] + " > /tmp/index.html && exec httpd -f -p 8080 -h /tmp")
                    .healthCheck("1s", "CMD-SHELL", "test ! -f /tmp/sick").host(backend[1]).build());
        }
        cluster.applyService("greeter", new DockerServiceSpec(null,
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "greeter")).build(),
                List.of(new ServicePort("http", 80, 8080)), null));

        DockerService ready = awaitService(cluster, "3 of 3 backends ready", s -> "3/3".equals(s.backendsReady()));
        assertThat(ready.getStatus().serviceName()).isEqualTo("tunnel-greeter");
        int listener = api.client().services().inNamespace(Cluster.NS).withName("tunnel-greeter").get().getSpec()
                .getPorts().getFirst().getTargetPort().getIntVal();
        assertThat(TcpClient.whoAnswers(listener, 12)).containsExactlyInAnyOrder("a", "b", "c");

        // three connections held open (one per backend, in turn), their requests not sent yet
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(TcpClient.connect(listener, TIMEOUT));
        }

        // b turns unhealthy: from the moment Docker says so, new connections leave it out
        DockerCli.exec(PREFIX + "b", "sh", "-c", "echo > /tmp/sick");
        await("Docker marks b unhealthy").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> "unhealthy".equals(DockerCli.inspect(PREFIX + "b", "{{.State.Health.Status}}")));
        await("within one heartbeat interval (1s) and a margin, no new connection reaches b")
                .atMost(Duration.ofMillis(HubProcess.HEARTBEAT_INTERVAL_MILLIS + 1000)).pollInterval(Duration.ofMillis(50))
                .until(() -> !TcpClient.whoAnswers(listener, 4).contains("b"));
        assertThat(TcpClient.whoAnswers(listener, 12)).containsOnly("a", "c");

        // edge-2's agent stops: c leaves with it
        agent2.stop();
        await("c leaves with its host's agent").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> TcpClient.whoAnswers(listener, 4).equals(Set.of("a")));
        awaitService(cluster, "1 of 3 backends ready", s -> "1/3".equals(s.backendsReady()));

        // the held connection that went to a still works: nothing elsewhere cut it
        Set<String> heldAnswers = new HashSet<>();
        for (Socket socket : held) {
            try (socket) {
                socket.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = new String(TcpClient.readUntilEnd(socket).bytes(), StandardCharsets.UTF_8);
                if (response.contains("I-am-")) {
                    heldAnswers.add(response.substring(response.indexOf("I-am-") + 5).strip());
                }
            } catch (java.io.IOException cut) {
                heldAnswers.add("(cut)"); // the one that went to c: its agent is gone
            }
        }
        assertThat(heldAnswers).contains("a", "b").doesNotContain("c");
    }

    /** Which backends answer a number of fresh connections. */
    private static DockerService awaitService(Cluster cluster, String what,
            java.util.function.Predicate<io.kdop.hub.api.service.DockerServiceStatus> condition) {
        await("DockerService greeter: " + what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    DockerService s = cluster.service("greeter");
                    return s != null && s.getStatus() != null && condition.test(s.getStatus());
                });
        return cluster.service("greeter");
    }
}
