package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.container.DockerContainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge keeps running what it was told while the hub is away: the agent repairs containers
 * from its persisted desired state, an agent restart leaves healthy containers alone, and when
 * the hub comes back everything converges without a single needless restart.
 */
class OfflineAutonomyIT {

    private static final String PREFIX = DockerContainerIT.PREFIX + "offline-";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ApiServerStandIn api;
    private HubProcess hub;
    private AgentProcess agent;

    @AfterEach
    void stop() {
        Teardown.closeAll(agent, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void containersStayAsDeclaredWhileTheHubIsDownAndNothingRestartsNeedlessly(@TempDir Path work) {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        api = new ApiServerStandIn(work);
        Cluster cluster = new Cluster(api.client());
        int port = Ports.free();
        hub = HubProcess.start(api, port, work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        Path state = work.resolve("state");
        agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), state, work.resolve("agent.log"));
        List<String> names = List.of("alpha", "beta", "gamma");
        for (String name : names) {
            cluster.apply(name, Specs.image(DockerContainerIT.IMAGE).name(PREFIX + name).command("sleep", "3600")
                    .host("edge-1").build());
        }
        for (String name : names) {
            cluster.awaitContainer(name, "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        }

        // A bad edit of a running workload: refused, and its container keeps running its last valid spec ...
        cluster.apply("delta", Specs.image(DockerContainerIT.IMAGE).name(PREFIX + "delta").command("sleep", "3600")
                .host("edge-1").build());
        cluster.awaitContainer("delta", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        String delta = DockerCli.inspect(PREFIX + "delta", "{{.Id}} {{.State.StartedAt}}");
        cluster.apply("delta", Specs.image(DockerContainerIT.IMAGE).name(PREFIX + "delta").command("sleep", "3600")
                .port("not-a-port").host("edge-1").build());
        cluster.awaitContainer("delta", "refused", s -> "InvalidPort".equals(Cluster.readyReason(s)), TIMEOUT);

        // The hub goes away; on the edge a removed container is recreated from the persisted desired state.
        hub.stop();

        String alphaBefore = DockerCli.id(PREFIX + "alpha");
        DockerCli.must("docker", "rm", "-f", PREFIX + "alpha");
        await("alpha recreated with the hub down").atMost(Duration.ofSeconds(20))
                .until(() -> DockerCli.running(PREFIX + "alpha") && !alphaBefore.equals(DockerCli.id(PREFIX + "alpha")));

        // The agent restarts while the hub is still down: no healthy container is touched.
        Map<String, String> before = snapshot(names);
        agent.stop();
        agent = AgentProcess.join("127.0.0.1:" + port, null, state, work.resolve("agent-2.log"));
        // A stopped container is still put back by the restarted agent: it works from disk alone.
        DockerCli.must("docker", "stop", "-t", "1", PREFIX + "gamma");
        await("gamma started again by the restarted agent, hub still down").atMost(Duration.ofSeconds(20))
                .until(() -> DockerCli.running(PREFIX + "gamma"));
        assertThat(snapshot(List.of("alpha", "beta"))).isEqualTo(pick(before, "alpha", "beta"));

        // The hub comes back: statuses converge, still no restarts or recreations.
        Map<String, String> beforeHub = snapshot(names);
        hub = HubProcess.start(api, port, work.resolve("hub-2.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        for (String name : names) {
            DockerContainerStatus s = cluster.awaitContainer(name, "converged",
                    st -> "Running".equals(st.phase()) && "Running".equals(Cluster.readyReason(st))
                            && DockerCli.id(PREFIX + name).equals(st.containerID()), TIMEOUT);
            assertThat(s.containerID()).isEqualTo(DockerCli.id(PREFIX + name));
        }
        assertThat(snapshot(names)).isEqualTo(beforeHub);
        // ... and a restarted hub, which never saw delta's valid spec, does not take it away either.
        cluster.awaitContainer("delta", "still refused", s -> "InvalidPort".equals(Cluster.readyReason(s)), TIMEOUT);
        assertThat(DockerCli.inspect(PREFIX + "delta", "{{.Id}} {{.State.StartedAt}}")).isEqualTo(delta);

        // Now the agent goes away while the hub stays: the host is Disconnected, the workloads'
        // phase Unknown, and the containers keep running on the host.
        agent.stop();
        cluster.awaitPhase("edge-1", "Disconnected", TIMEOUT);
        for (String name : names) {
            DockerContainerStatus s = cluster.awaitContainer(name, "Unknown", st -> "Unknown".equals(st.phase()), TIMEOUT);
            assertThat(Cluster.readyReason(s)).isEqualTo("HostDisconnected");
            assertThat(DockerCli.running(PREFIX + name)).isTrue();
        }
    }

    /** Container ID and start time of each, which a restart or recreation would change. */
    private static Map<String, String> snapshot(List<String> names) {
        Map<String, String> ids = new java.util.TreeMap<>();
        for (String name : names) {
            ids.put(name, DockerCli.inspect(PREFIX + name, "{{.Id}} {{.State.StartedAt}}"));
        }
        return ids;
    }

    private static Map<String, String> pick(Map<String, String> all, String... keys) {
        Map<String, String> some = new java.util.TreeMap<>();
        for (String k : keys) {
            some.put(k, all.get(k));
        }
        return some;
    }
}
