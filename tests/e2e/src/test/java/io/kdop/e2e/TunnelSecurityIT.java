package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.SessionClient;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.TcpClient;
import io.kdop.e2e.support.Teardown;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.OpenTunnel;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may answer a tunnel request: only the host that was asked, once. A made-up id, another
 * host's id or a call without a client certificate is refused; the request itself carries no
 * secret of the workload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelSecurityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET_VALUE = "s3cr3t-db-password-value";

    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess attacker;
    private SessionClient.OpenSession victim;
    private Path work;

    @BeforeAll
    void twoHostsOneOfThemAnsweringByHand(@TempDir Path work) throws Exception {
        Docker.requireDaemon();
        this.work = work;
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
        cluster.createHost("attacker", null);
        attacker = AgentProcess.join(hub.address(), cluster.awaitJoinToken("attacker"), work.resolve("state-attacker"),
                work.resolve("agent-attacker.log"));
        cluster.awaitPhase("attacker", "Connected", TIMEOUT);

        // the victim's agent joins, then a hand-made session with its identity takes over and only listens
        cluster.createHost("victim", null);
        try (AgentProcess real = AgentProcess.join(hub.address(), cluster.awaitJoinToken("victim"),
                work.resolve("state-victim"), work.resolve("agent-victim.log"))) {
            cluster.awaitPhase("victim", "Connected", TIMEOUT);
            real.stop();
        }
        HostIdentity identity = HostIdentity.newBuilder().setNamespace(Cluster.NS).setName("victim")
                .setUid(cluster.host("victim").getMetadata().getUid()).build();
        victim = SessionClient.open(hub.port(), credentials("state-victim"), identity);
        victim.next(HubMessage::hasWelcome, TIMEOUT);

        cluster.secret("db", Map.of("password", SECRET_VALUE));
        cluster.apply("v", Specs.image("kdop-test/busybox:1").name("kdop-tunnelsec-v").command("sleep", "600")
                .envFromSecret("DB_PASSWORD", "db", "password").service("http", 80, 8080).host("victim").build());
    }

    @AfterAll
    void stopAll() throws Exception {
        Teardown.closeAll(victim, attacker, hub, api);
        DockerCli.removeAll("kdop-tunnelsec-");
    }

    @Test
    void aTunnelCallWithAMadeUpIdIsRefused() throws Exception {
        Status answer = SessionClient.tunnel(hub.port(), credentials("state-attacker"), "made-up-id");

        assertThat(answer.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Refusals.reasonOf(answer.getCause())).contains(ErrorReason.TUNNEL_UNKNOWN);
    }

    @Test
    void aTunnelCallWithoutAClientCertificateIsRefused() throws Exception {
        ChannelCredentials anonymous = TlsChannelCredentials.newBuilder()
                .trustManager(new ByteArrayInputStream(Files.readString(work.resolve("state-attacker/identity/ca.pem"))
                        .getBytes(StandardCharsets.US_ASCII))).build();

        Status answer = SessionClient.tunnel(hub.port(), anonymous, "whatever");

        assertThat(answer.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Refusals.reasonOf(answer.getCause())).contains(ErrorReason.CERTIFICATE_REQUIRED);
    }

    @Test
    void anotherHostsRequestIsRefusedAndStaysItsOwnAndCarriesNoSecret() throws Exception {
        int listener = awaitListener("tunnel-v");
        try (Socket client = TcpClient.connect(listener, TIMEOUT)) {
            HubMessage asked = victim.next(HubMessage::hasOpenTunnel, TIMEOUT);
            OpenTunnel request = asked.getOpenTunnel();
            assertThat(request.getPort()).isEqualTo(8080);
            assertThat(request.getWorkload().getName()).isEqualTo("v");
            assertThat(new String(asked.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET_VALUE);

            // the attacker's agent learned the id somehow: its call is refused, the request stays the victim's
            Status stolen = SessionClient.tunnel(hub.port(), credentials("state-attacker"), request.getTunnelId());
            assertThat(stolen.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(Refusals.reasonOf(stolen.getCause())).contains(ErrorReason.TUNNEL_UNKNOWN);

            Status rightful = SessionClient.tunnel(hub.port(), credentials("state-victim"), request.getTunnelId());
            assertThat(rightful.getCode()).as("the asked host's call is accepted").isEqualTo(Status.Code.OK);
            // used once: the same id again is unknown
            Status again = SessionClient.tunnel(hub.port(), credentials("state-victim"), request.getTunnelId());
            assertThat(Refusals.reasonOf(again.getCause())).contains(ErrorReason.TUNNEL_UNKNOWN);
        }
        assertThat(hub.log()).doesNotContain(SECRET_VALUE);
    }

    private int awaitListener(String service) {
        await("Service " + service).atMost(TIMEOUT).until(() ->
                api.client().services().inNamespace(Cluster.NS).withName(service).get() != null);
        return api.client().services().inNamespace(Cluster.NS).withName(service).get().getSpec().getPorts().getFirst()
                .getTargetPort().getIntVal();
    }

    private ChannelCredentials credentials(String state) throws Exception {
        Path dir = work.resolve(state).resolve("identity");
        return SessionClient.credentials(Files.readString(dir.resolve("ca.pem")), Files.readString(dir.resolve("cert.pem")),
                Files.readString(dir.resolve("key.pem")));
    }
}
