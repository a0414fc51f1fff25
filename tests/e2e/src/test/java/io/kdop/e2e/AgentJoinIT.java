package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.DockerHostStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user declares a DockerHost, pastes the join command on the Docker host, and from then on the
 * host's state shows in Kubernetes, through agent and hub restarts.
 */
class AgentJoinIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration GRACE_AND_MARGIN = Duration.ofSeconds(HubProcess.HEARTBEAT_GRACE_SECONDS + 15);

    @TempDir
    Path work;

    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;

    @BeforeEach
    void startCluster() {
        Docker.requireDaemon();
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
    }

    @AfterEach
    void stopEverything() {
        Teardown.closeAll(agent, hub, api);
    }

    @Test
    void aJoinedHostReportsItsDockerDaemonAndSurvivesAgentAndHubRestarts() throws Exception {
        int port = Ports.free();
        hub = HubProcess.start(api, port, work.resolve("hub.log"));

        // kubectl apply -f dockerhost.yaml
        cluster.createHost("edge-1", null);
        DockerHostStatus pending = cluster.awaitPhase("edge-1", "Pending", STARTUP);
        assertThat(Cluster.readyReason(pending)).isEqualTo("AwaitingJoin");
        assertThat(pending.getJoinSecretName()).isEqualTo("edge-1-join");
        assertThat(Instant.parse(pending.getJoinTokenExpiresAt()))
                .isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

        // kubectl get secret edge-1-join -o jsonpath='{.data.join-command}' | base64 -d
        String joinCommand = cluster.secretValue("edge-1-join", "join-command");
        String token = cluster.secretValue("edge-1-join", "token");
        assertThat(joinCommand).startsWith(" KDOP_JOIN_TOKEN=" + token + " java ")
                .contains(String.join(" ", io.kdop.hub.join.JoinInstructions.AGENT_JVM_OPTIONS)
                        + " -jar kdop-edge-agent.jar join --hub " + hub.address());
        assertThat(cluster.secretValue("edge-1-join", "join-command-docker")).contains("docker run -d --name kdop-agent")
                .contains("-v /var/run/docker.sock:/var/run/docker.sock")
                .contains("-v /var/lib/kdop-agent:/var/lib/kdop-agent").contains("printf '%s' " + token + " >")
                .doesNotContain("-e KDOP_JOIN_TOKEN"); // docker inspect would show it
        String secret = token.substring(token.lastIndexOf('.') + 1);
        assertThat(api.client().getKubernetesSerialization().asJson(cluster.host("edge-1")))
                .as("the DockerHost, status included, never holds the token secret").doesNotContain(secret);

        // On the Docker host: the agent joins with the token and keeps running.
        Path state = work.resolve("agent-state");
        agent = AgentProcess.join(hub.address(), token, state, work.resolve("agent.log"));
        DockerHostStatus connected = cluster.awaitHostStatus("edge-1", "Connected, desired state applied",
                s -> "Connected".equals(s.getPhase()) && s.getDesiredRevision() != null
                        && s.getDesiredRevision().equals(s.getAppliedRevision()), STARTUP);
        assertThat(Cluster.readyReason(connected)).isEqualTo("AgentConnected");
        assertThat(connected.getDockerVersion()).isEqualTo(Docker.serverVersion());
        assertThat(connected.getOs()).isEqualTo("linux");
        assertThat(connected.getArch()).isNotBlank();
        assertThat(connected.getCpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(connected.getMemoryBytes()).isPositive();
        assertThat(connected.getAgentVersion()).isNotBlank();
        assertThat(connected.getLastHeartbeatTime()).isNotNull();
        assertThat(connected.getJoinedAt()).isNotNull();
        // The token is spent: the Secret holding it is gone and the status no longer points at it.
        assertThat(connected.getJoinSecretName()).isNull();
        cluster.awaitHostStatus("edge-1", "join Secret deleted",
                s -> api.client().secrets().inNamespace(Cluster.NS).withName("edge-1-join").get() == null, STARTUP);

        // Stop the agent: after the grace period the host is Disconnected, not before.
        Instant stoppedAt = Instant.now();
        assertThat(agent.stop()).isZero();
        DockerHostStatus disconnected = cluster.awaitPhase("edge-1", "Disconnected", GRACE_AND_MARGIN);
        assertThat(Duration.between(stoppedAt, Instant.now()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(HubProcess.HEARTBEAT_GRACE_SECONDS - 1));
        assertThat(Cluster.readyReason(disconnected)).isEqualTo("HeartbeatTimeout");

        // Start it again without a token: it uses the identity it stored.
        agent = AgentProcess.join(hub.address(), null, state, work.resolve("agent-2.log"));
        cluster.awaitPhase("edge-1", "Connected", STARTUP);

        // A second agent started by mistake on the same state directory would run every job twice:
        // it exits at once, saying why, and the first keeps its session.
        try (AgentProcess second = AgentProcess.join(hub.address(), null, state, work.resolve("agent-second.log"))) {
            assertThat(second.awaitExit(STARTUP)).isEqualTo(5);
            assertThat(second.log()).contains("another agent (pid " + agent.pid() + ") is using the state directory");
        }
        assertThat(agent.exitCode()).isEmpty();

        // The state directory copied to a second machine: two agents with one certificate. The hub
        // keeps the one that holds the session and refuses the copy, which backs off and stops.
        Path copy = work.resolve("agent-state-copy");
        copyTree(state, copy);
        int sessionsBefore = countOf(hub.log(), "session opened: " + Cluster.NS + "/edge-1");
        try (AgentProcess twin = AgentProcess.join(hub.address(), null, copy, work.resolve("agent-twin.log"),
                "--duplicate-identity-timeout", "8s")) {
            assertThat(twin.awaitExit(STARTUP)).isEqualTo(6);
            assertThat(twin.log()).contains("another agent with this identity is connected")
                    .contains("IDENTITY_IN_USE");
        }
        assertThat(hub.log()).contains("refused a second session of " + Cluster.NS + "/edge-1");
        assertThat(countOf(hub.log(), "session opened: " + Cluster.NS + "/edge-1"))
                .as("the holder's session was never replaced").isEqualTo(sessionsBefore);
        assertThat(agent.log()).doesNotContain("SESSION_REPLACED");
        assertThat(agent.exitCode()).isEmpty();
        assertThat(cluster.host("edge-1").getStatus().getPhase()).isEqualTo("Connected");

        // Restart the hub: the agent reconnects by itself, and the CA it pinned is unchanged.
        String caBefore = api.client().secrets().inNamespace(HubProcess.NAMESPACE).withName("kdop-hub-ca").get()
                .getData().get("tls.crt");
        String storedCa = Files.readString(state.resolve("identity/ca.pem"));
        hub.stop();
        String agentLogBeforeRestart = agent.log();
        hub = HubProcess.start(api, port, work.resolve("hub-2.log"));
        hub.awaitLog("session opened: " + Cluster.NS + "/edge-1", STARTUP);
        assertThat(agent.isAlive()).isTrue();
        assertThat(agent.log().length()).isGreaterThan(agentLogBeforeRestart.length());
        assertThat(api.client().secrets().inNamespace(HubProcess.NAMESPACE).withName("kdop-hub-ca").get()
                .getData().get("tls.crt")).isEqualTo(caBefore);
        assertThat(Files.readString(state.resolve("identity/ca.pem"))).isEqualTo(storedCa);
        DockerHostStatus afterRestart = cluster.awaitHostStatus("edge-1", "heartbeats after the hub restart",
                s -> "Connected".equals(s.getPhase())
                        && Instant.parse(s.getLastHeartbeatTime()).isAfter(stoppedAt.plusSeconds(1)), STARTUP);
        assertThat(afterRestart.getDockerVersion()).isEqualTo(Docker.serverVersion());
    }

    private static int countOf(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
