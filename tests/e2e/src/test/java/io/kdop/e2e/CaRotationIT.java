package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.pki.Pem;
import io.kdop.proto.CaPin;
import io.kdop.proto.JoinToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's CA is rotated from kubectl while agents are connected, as docs/operations.md tells:
 * add, promote, retire. An agent connected throughout follows every step, renews at the promote,
 * reconnects at the retire and keeps its container; an agent that was away from the promote on,
 * and so never renewed, is refused after the retire with a reason that says what to do.
 */
class CaRotationIT {

    private static final String PREFIX = DockerContainerIT.PREFIX + "carot-";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ApiServerStandIn api;
    private HubProcess hub;
    private AgentProcess stays;
    private AgentProcess away;

    @AfterEach
    void stop() {
        Teardown.closeAll(stays, away, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void anAgentStaysThroughTheRotationAndOneThatNeverRenewedIsRefusedAfterTheRetire(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path work)
            throws Exception {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        api = new ApiServerStandIn(work);
        Cluster cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        cluster.createHost("edge-2", null);
        Path stateStays = work.resolve("state-1");
        Path stateAway = work.resolve("state-2");
        stays = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), stateStays, work.resolve("a1.log"));
        away = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-2"), stateAway, work.resolve("b1.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        cluster.awaitPhase("edge-2", "Connected", TIMEOUT);
        cluster.apply("web", Specs.image(DockerContainerIT.IMAGE).name(PREFIX + "web").command("sleep", "3600")
                .host("edge-1").build());
        cluster.awaitContainer("web", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        String container = DockerCli.inspect(PREFIX + "web", "{{.Id}} {{.State.StartedAt}}");
        X509Certificate oldCa = only(trusted(stateStays));

        // 1. add: both agents are told to trust the next CA beside the old one, over their sessions
        rotate("add");
        awaitStatus("added at");
        await("both agents trust two CAs").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> trusted(stateStays).size() == 2 && trusted(stateAway).size() == 2);
        X509Certificate nextCa = trusted(stateStays).stream().filter(ca -> !ca.equals(oldCa)).findFirst().orElseThrow();
        assertThat(trusted(stateAway)).containsExactly(oldCa, nextCa);

        // a host that has not joined yet: its token pins the CA that signs now, the old one
        cluster.createHost("edge-3", null);
        assertThat(JoinToken.parse(cluster.awaitJoinToken("edge-3")).caPin()).isEqualTo(CaPin.of(oldCa));

        // edge-2 goes away before the promote: it never renews
        away.stop();

        // 2. promote: the new CA signs; the connected agent renews at once, its certificate far from due
        rotate("promote");
        awaitStatus("promoted at");
        await("edge-1 renewed by the new CA").atMost(TIMEOUT).ignoreExceptions().until(() -> issuedBy(certificate(stateStays), nextCa));
        assertThat(trusted(stateStays)).containsExactly(nextCa, oldCa);
        await("edge-3's unused token replaced by one pinning the new CA").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> JoinToken.parse(cluster.awaitJoinToken("edge-3")).caPin().equals(CaPin.of(nextCa)));
        assertThat(hub.log()).contains("reissued the serving certificate signed by CA " + CaPin.of(nextCa));

        // 3. retire: the session on the old certificate ends; the agent reconnects with its renewed one
        int sessions = sessionsOpened("edge-1");
        rotate("retire");
        awaitStatus("retired at");
        await("edge-1 reconnected").atMost(TIMEOUT).until(() -> sessionsOpened("edge-1") > sessions);
        await("edge-1 trusts the new CA only").atMost(TIMEOUT).ignoreExceptions().until(() -> trusted(stateStays).equals(List.of(nextCa)));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
        assertThat(stays.isAlive()).isTrue();
        cluster.awaitContainer("web", "still Running", s -> "Running".equals(s.phase()), TIMEOUT);
        assertThat(DockerCli.inspect(PREFIX + "web", "{{.Id}} {{.State.StartedAt}}")).as("never restarted")
                .isEqualTo(container);

        // edge-2 comes back with a certificate of the retired CA: refused, and it says what to do
        away = AgentProcess.join(hub.address(), null, stateAway, work.resolve("b2.log"));
        assertThat(away.awaitExit(TIMEOUT)).isEqualTo(4);
        assertThat(away.log()).contains("the hub's CA was rotated and the CA that issued this agent's certificate was "
                + "retired").contains("kdop.io.vn/token-request");
        assertThat(hub.log()).contains("refused edge/edge-2").contains("a CA the hub no longer trusts");
    }

    /** kubectl -n kdop-system annotate secret kdop-hub-ca kdop.io.vn/ca-rotation=STEP --overwrite */
    private void rotate(String step) {
        api.client().secrets().inNamespace(HubProcess.NAMESPACE).withName("kdop-hub-ca").edit(secret -> {
            secret.getMetadata().setAnnotations(new HashMap<>(annotations(secret)));
            secret.getMetadata().getAnnotations().put("kdop.io.vn/ca-rotation", step);
            return secret;
        });
    }

    private void awaitStatus(String prefix) {
        await("kdop.io.vn/ca-rotation-status: " + prefix).atMost(TIMEOUT).until(() -> String.valueOf(annotations(
                api.client().secrets().inNamespace(HubProcess.NAMESPACE).withName("kdop-hub-ca").get())
                .get("kdop.io.vn/ca-rotation-status")).startsWith(prefix));
    }

    private int sessionsOpened(String host) {
        return hub.log().split("session opened: " + Cluster.NS + "/" + host + " ", -1).length - 1;
    }

    private static java.util.Map<String, String> annotations(Secret secret) {
        return secret.getMetadata().getAnnotations() == null ? java.util.Map.of() : secret.getMetadata().getAnnotations();
    }

    // read between the agent's saves: identity/ is swapped in whole by two renames (see IdentityStore)
    private static List<X509Certificate> trusted(Path state) throws IOException {
        return Pem.certificates(Files.readString(state.resolve("identity/ca.pem")));
    }

    private static X509Certificate certificate(Path state) throws IOException {
        return Pem.certificate(Files.readString(state.resolve("identity/cert.pem")));
    }

    private static X509Certificate only(List<X509Certificate> cas) {
        assertThat(cas).hasSize(1);
        return cas.getFirst();
    }

    private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
