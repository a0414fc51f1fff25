package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JavaProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.SessionClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.Pem;
import io.kdop.proto.CaPin;
import io.kdop.proto.JoinToken;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostIdentity;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may join and who may hold a session: every way in that should be refused is refused, each
 * with its own reason, and no secret ends up in a log. The tests share one hub (starting it is the
 * slow part) but nothing else: each makes its own hosts and agents, so they pass in any order
 * (checked by runs with {@code @TestMethodOrder(MethodOrderer.Random.class)} on the class).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinSecurityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int USAGE = 2;
    private static final int UNTRUSTED_HUB = 3;
    private static final int REFUSED = 4;

    private Path work;

    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private final List<JavaProcess> agents = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();

    @BeforeAll
    void startHub(@TempDir Path work) {
        Docker.requireDaemon();
        this.work = work;
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
    }

    @AfterAll
    void stopAll() throws Exception {
        try {
            if (hub != null) {
                // whatever ran, in whatever order: no log of it carries a secret
                assertNoSecretInAnyLog();
            }
        } finally {
            agents.forEach(JavaProcess::close);
            if (hub != null) {
                hub.close();
            }
            if (api != null) {
                api.close();
            }
        }
    }

    @Test
    void aConnectionThatNeverStartsItsTlsHandshakeIsClosedAfterTenSeconds() throws Exception {
        try (Socket silent = new Socket("127.0.0.1", hub.port())) {
            silent.setSoTimeout(30_000); // without the hub's limit, the read below ends here
            long start = System.nanoTime();
            int read;
            try {
                read = silent.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(read).as("closed by the hub, nothing sent").isEqualTo(-1);
            assertThat(open).as("the 10 s handshake limit").isBetween(Duration.ofSeconds(8), Duration.ofSeconds(25));
        }
    }

    @Test
    void aGarbageTokenIsRefusedBeforeAnythingIsSent() {
        AgentProcess agent = agent("garbage", "kdop1.not-a-token");
        assertThat(agent.awaitExit(TIMEOUT)).isEqualTo(USAGE);
        assertThat(agent.log()).contains("malformed join token");
    }

    @Test
    void aTokenPinningAnotherCaIsRefusedWithoutSendingTheSecret() {
        cluster.createHost("pin-mismatch", null);
        JoinToken real = JoinToken.parse(token("pin-mismatch"));
        CaPin other = CaPin.ofHex(HexFormat.of().formatHex(new byte[32]));
        JoinToken forged = new JoinToken(other, real.tokenId(), real.secret());
        tokens.add(forged.encode());

        AgentProcess agent = agent("pin-mismatch", forged.encode());

        assertThat(agent.awaitExit(TIMEOUT)).isEqualTo(UNTRUSTED_HUB);
        assertThat(agent.log()).contains(other.hex()).contains(CaPin.of(hubCa()).hex());
        assertThat(hub.log()).doesNotContain("join request with token id " + real.tokenId());
    }

    @Test
    void anExpiredTokenIsRefused() {
        cluster.createHost("late", "2s");
        String token = token("late");
        cluster.awaitHostStatus("late", "token expired", s -> "JoinTokenExpired".equals(Cluster.readyReason(s)), TIMEOUT);

        AgentProcess agent = agent("late", token);

        assertThat(agent.awaitExit(TIMEOUT)).isEqualTo(REFUSED);
        assertThat(agent.log()).contains("expired");
    }

    @Test
    void aTokenWorksOnceAndTheSecondUseIsRefused() {
        cluster.createHost("once", null);
        String token = token("once");
        AgentProcess first = agent("once-a", token);
        cluster.awaitPhase("once", "Connected", TIMEOUT);

        AgentProcess second = agent("once-b", token);

        assertThat(second.awaitExit(TIMEOUT)).isEqualTo(REFUSED);
        assertThat(second.log()).contains("already used");
        assertThat(first.isAlive()).isTrue();
    }

    @Test
    void theTokenOfADeletedHostIsRefused() {
        cluster.createHost("gone", null);
        String token = token("gone");
        cluster.deleteHost("gone");

        AgentProcess agent = agent("gone", token);

        assertThat(agent.awaitExit(TIMEOUT)).isEqualTo(REFUSED);
        assertThat(agent.log()).contains("no longer exists");
    }

    @Test
    void aSessionWithoutAClientCertificateIsRefused() throws Exception {
        cluster.createHost("no-cert", null);
        SessionClient.Answer answer = SessionClient.hello(hub.port(),
                SessionClient.credentials(Pem.encode(hubCa()), null, null), identity("no-cert"));

        assertThat(answer.welcomed()).isFalse();
        assertThat(answer.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Refusals.reasonOf(answer.error())).contains(ErrorReason.CERTIFICATE_REQUIRED);
    }

    @Test
    void aCertificateFromAnotherCaCannotEvenCompleteTheHandshake() throws Exception {
        cluster.createHost("impostor-target", null);
        SecureRandom random = new SecureRandom();
        CertificateAuthority impostor = CertificateAuthority.create("impostor", Duration.ofDays(1), random);
        KeyPair key = ecKey(random);
        String cert = Pem.encode(impostor.signAgentCertificate(csr(key), agentIdentity("impostor-target"),
                Duration.ofHours(1)));

        // The hub names no CA in its certificate request (the TLS engine would freeze that list at
        // start, wrong after a CA rotation), so a standard TLS client offers its certificate, and the
        // handshake fails...
        SessionClient.Answer polite = SessionClient.hello(hub.port(),
                SessionClient.credentials(Pem.encode(hubCa()), cert, Pem.encode(key.getPrivate())),
                identity("impostor-target"));
        assertThat(polite.welcomed()).isFalse();
        assertThat(polite.status().getCode()).as("%s", polite.status()).isEqualTo(Status.Code.UNAVAILABLE);

        // ...as it does for a client that forces its certificate on the hub.
        SessionClient.Answer forced = SessionClient.hello(hub.port(),
                SessionClient.forcingCertificate(Pem.encode(hubCa()), Pem.certificate(cert), key.getPrivate()),
                identity("impostor-target"));
        assertThat(forced.welcomed()).isFalse();
        assertThat(forced.status().getCode()).as("%s", forced.status()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(hub.log()).doesNotContain("session opened: " + Cluster.NS + "/impostor-target");
    }

    @Test
    void anAgentCannotActAsAnotherHost() throws Exception {
        joined("claimant");
        cluster.createHost("other", null);
        Path stateOfClaimant = work.resolve("state-claimant");

        SessionClient.Answer answer = SessionClient.hello(hub.port(), storedCredentials(stateOfClaimant),
                identity("other"));

        assertThat(answer.welcomed()).isFalse();
        assertThat(answer.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Refusals.reasonOf(answer.error())).contains(ErrorReason.IDENTITY_MISMATCH);
        // Its own identity still works with the same certificate: the refusal was about the claim.
        assertThat(SessionClient.hello(hub.port(), storedCredentials(stateOfClaimant), identity("claimant")).welcomed())
                .isTrue();
    }

    @Test
    void deletingAHostEndsItsSessionAndRevokesItsCertificate() throws Exception {
        AgentProcess running = joined("doomed");
        HostIdentity before = identity("doomed");

        cluster.deleteHost("doomed");

        assertThat(running.awaitExit(TIMEOUT)).isEqualTo(REFUSED);
        assertThat(running.log()).contains("revoked");
        SessionClient.Answer answer = SessionClient.hello(hub.port(), storedCredentials(work.resolve("state-doomed")),
                before);
        assertThat(answer.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Refusals.reasonOf(answer.error())).contains(ErrorReason.HOST_REVOKED);

        // Recreating a host with the same name makes a new identity: the old certificate stays refused.
        cluster.createHost("doomed", null);
        token("doomed");
        SessionClient.Answer recreated = SessionClient.hello(hub.port(),
                storedCredentials(work.resolve("state-doomed")), before);
        assertThat(Refusals.reasonOf(recreated.error())).contains(ErrorReason.HOST_REVOKED);
    }

    @Test
    void joiningAHostAgainSupersedesItsPreviousAgent() throws Exception {
        cluster.createHost("moved", null);
        AgentProcess original = agent("moved-old", token("moved"));
        cluster.awaitPhase("moved", "Connected", TIMEOUT);

        // The disk died, or the host moved: the user asks for a new token and joins a new agent.
        // kubectl annotate dockerhost moved kdop.io.vn/token-request=replacement-1
        cluster.annotateHost("moved", "kdop.io.vn/token-request", "replacement-1");
        cluster.awaitHostStatus("moved", "a new token", s -> "replacement-1".equals(s.getTokenRequest()), TIMEOUT);
        AgentProcess replacement = agent("moved-new", token("moved"));

        assertThat(original.awaitExit(TIMEOUT)).isEqualTo(REFUSED);
        assertThat(original.log()).contains("joined again with a newer token");
        cluster.awaitPhase("moved", "Connected", TIMEOUT);
        assertThat(replacement.isAlive()).isTrue();
        SessionClient.Answer stale = SessionClient.hello(hub.port(), storedCredentials(work.resolve("state-moved-old")),
                identity("moved"));
        assertThat(Refusals.reasonOf(stale.error())).contains(ErrorReason.HOST_REVOKED);
    }

    @Test
    void noLogLineCarriesATokenSecretOrAPrivateKey() throws Exception {
        // a join that works and a second use of its token that is refused: the hub and the agents
        // handle the secret and the key on both paths (the other tests' logs are checked after all)
        cluster.createHost("quiet", null);
        String used = token("quiet");
        agent("quiet", used);
        cluster.awaitPhase("quiet", "Connected", TIMEOUT);
        AgentProcess again = agent("quiet-again", used);
        assertThat(again.awaitExit(TIMEOUT)).isEqualTo(REFUSED);

        Checked checked = assertNoSecretInAnyLog();

        assertThat(checked.secrets()).contains(JoinToken.parse(used).secret());
        assertThat(checked.keys()).contains(pemBody(Files.readString(work.resolve("state-quiet/identity/key.pem"))))
                .hasSizeGreaterThanOrEqualTo(2); // and the hub CA's
    }

    /** The secrets and private keys that {@link #assertNoSecretInAnyLog} looked for. */
    private record Checked(List<String> secrets, List<String> keys) {}

    /** No log so far (the hub's, every agent's) holds a token secret used here or a private key's text. */
    private Checked assertNoSecretInAnyLog() throws Exception {
        List<String> logs = new ArrayList<>();
        logs.add(hub.log());
        agents.forEach(a -> logs.add(a.log()));
        List<String> secrets = tokens.stream().filter(t -> t.startsWith("kdop1.") && t.split("\\.").length == 4)
                .map(t -> JoinToken.parse(t).secret()).toList();
        List<String> keyMaterial = new ArrayList<>();
        try (var states = Files.list(work)) {
            for (Path state : states.filter(p -> p.getFileName().toString().startsWith("state-")).toList()) {
                Path key = state.resolve("identity/key.pem");
                if (Files.exists(key)) {
                    keyMaterial.add(pemBody(Files.readString(key)));
                }
            }
        }
        keyMaterial.add(pemBody(new String(java.util.Base64.getDecoder().decode(api.client().secrets()
                .inNamespace(HubProcess.NAMESPACE).withName("kdop-hub-ca").get().getData().get("tls.key")),
                java.nio.charset.StandardCharsets.US_ASCII)));
        for (String log : logs) {
            for (String secret : secrets) {
                assertThat(log).doesNotContain(secret);
            }
            assertThat(log).doesNotContain("PRIVATE KEY");
            for (String key : keyMaterial) {
                // any 40-character stretch of the key's base64 would be a leak
                for (int i = 0; i + 40 <= key.length(); i += 40) {
                    assertThat(log).doesNotContain(key.substring(i, i + 40));
                }
            }
        }
        return new Checked(secrets, keyMaterial);
    }

    /** A host with an agent joined to it and connected (its state in {@code state-<host>}). */
    private AgentProcess joined(String host) {
        cluster.createHost(host, null);
        AgentProcess agent = agent(host, token(host));
        cluster.awaitPhase(host, "Connected", TIMEOUT);
        return agent;
    }

    private static String pemBody(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    }

    private AgentProcess agent(String name, String token) {
        AgentProcess agent = AgentProcess.join(hub.address(), token, work.resolve("state-" + name),
                work.resolve("agent-" + name + ".log"));
        agents.add(agent);
        return agent;
    }

    private String token(String host) {
        String token = cluster.awaitJoinToken(host);
        tokens.add(token);
        return token;
    }

    private String uid(String host) {
        DockerHost dh = cluster.host(host);
        return dh.getMetadata().getUid();
    }

    private HostIdentity identity(String host) {
        return HostIdentity.newBuilder().setNamespace(Cluster.NS).setName(host).setUid(uid(host)).build();
    }

    private AgentIdentity agentIdentity(String host) {
        // an impostor's certificate: the generation hardly matters, its CA is the wrong one anyway
        return new AgentIdentity(Cluster.NS, host, uid(host), "impostor1");
    }

    private java.security.cert.X509Certificate hubCa() {
        String pem = new String(java.util.Base64.getDecoder().decode(api.client().secrets()
                .inNamespace(HubProcess.NAMESPACE).withName("kdop-hub-ca").get().getData().get("tls.crt")),
                java.nio.charset.StandardCharsets.US_ASCII);
        return Pem.certificate(pem);
    }

    private static io.grpc.ChannelCredentials storedCredentials(Path state) throws Exception {
        Path dir = state.resolve("identity");
        return SessionClient.credentials(Files.readString(dir.resolve("ca.pem")), Files.readString(dir.resolve("cert.pem")),
                Files.readString(dir.resolve("key.pem")));
    }

    private static KeyPair ecKey(SecureRandom random) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static byte[] csr(KeyPair key) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=impostor"), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    }
}
