package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.pki.CaSet;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.Pem;
import io.kdop.hub.pki.ServingTls;
import io.kdop.proto.tunnel.TransportLoops;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An engine on another address or TLS Secret than the spec names now stops before the probe, whatever it finds. */
@EnableKubernetesMockClient(crud = true)
class DirectHostsTest {

    private static final String KEY = "edge/remote";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CertificateAuthority DOCKER_CA = CertificateAuthority.create("docker-ca", Duration.ofDays(1),
            RANDOM);
    private static final String VERSION = """
            {"Version":"27.3.1","ApiVersion":"1.47","Os":"linux","Arch":"amd64","KernelVersion":"6.8.0"}""";
    private static final String INFO = """
            {"OSType":"linux","Architecture":"x86_64","OperatingSystem":"Ubuntu 24.04","KernelVersion":"6.8.0",\
            "NCPU":2,"MemTotal":4000000000,"ContainersRunning":0,"Containers":0}""";

    KubernetesClient client;
    private DirectEngines engines;
    private DirectHosts direct;
    private final List<FakeDocker> dockers = new ArrayList<>();
    private final TransportLoops loops = new TransportLoops(1, "test-direct");

    @BeforeEach
    void start() {
        engines = new DirectEngines(key -> Optional.empty(), (key, report) -> { },
                SecretJobRecords.source(client, "kdop-system"), loops, Clock.systemUTC());
        direct = new DirectHosts(client, engines, DirectHostsAllowed.TLS);
        secret(DOCKER_CA);
    }

    @AfterEach
    void stop() {
        engines.close();
        dockers.forEach(FakeDocker::close);
        loops.close();
    }

    @Test
    void anEngineOnTheOldAddressStopsBeforeTheNewAddressIsProbed() throws Exception {
        FakeDocker old = docker();
        FakeDocker moved = docker();
        assertThat(probe(host(old.port()))).isEqualTo("DirectConnected");
        assertThat(direct.drives(KEY)).isTrue();

        assertThat(probe(host(moved.port()))).isEqualTo("DirectConnected");

        // two engines on one host would both enforce its desired state: the old one was gone when the new address
        // was asked (here it answers, and a new engine runs there)
        assertThat(moved.engineRanWhenAsked.get()).as("an engine ran when the new address was probed").isFalse();
        assertThat(direct.drives(KEY)).isTrue();
    }

    @Test
    void anEngineStopsWhenItsAddressChangesToOneThatDoesNotAnswer() throws Exception {
        assertThat(probe(host(docker().port()))).isEqualTo("DirectConnected");

        assertThat(probe(host(portWhereNothingListens()))).isEqualTo("Unreachable");

        assertThat(engines.runs(KEY)).as("no engine on an address the spec no longer names").isFalse();
    }

    @Test
    void anEngineStopsWhenItsTlsSecretChangesEvenIfTheProbeThenFails() throws Exception {
        DockerHost host = host(docker().port());
        assertThat(probe(host)).isEqualTo("DirectConnected");

        // the Secret now trusts another CA, which did not sign this daemon's certificate
        secret(CertificateAuthority.create("other-ca", Duration.ofDays(1), RANDOM));

        assertThat(probe(host)).isEqualTo("UnknownCA");
        assertThat(engines.runs(KEY)).as("no engine with TLS material the Secret no longer holds").isFalse();
    }

    @Test
    void anUnchangedHostThatStopsAnsweringKeepsItsEngine() throws Exception {
        FakeDocker docker = docker();
        DockerHost host = host(docker.port());
        assertThat(probe(host)).isEqualTo("DirectConnected");

        docker.close();

        assertThat(probe(host)).isEqualTo("Unreachable");
        assertThat(engines.runs(KEY)).as("it keeps trying, with what the spec and Secret still say").isTrue();
        assertThat(direct.drives(KEY)).as("but connections no longer go there").isFalse();
    }

    /** One probe of the host; the reason of the Ready condition it writes. */
    private String probe(DockerHost host) {
        DockerHostStatus status = direct.probe(host, new DockerHostStatus(), 1, Instant.now()).status();
        return status.getConditions().stream().filter(c -> Conditions.READY.equals(c.getType())).findFirst()
                .orElseThrow().getReason();
    }

    /** The DockerHost edge/remote, created or updated, on 127.0.0.1 at the port with the Secret docker-tls. */
    private DockerHost host(int port) {
        DockerHost host = new DockerHost();
        host.getMetadata().setNamespace("edge");
        host.getMetadata().setName("remote");
        DockerHostSpec spec = new DockerHostSpec();
        spec.setHostURL("tcp://127.0.0.1:" + port);
        spec.setTlsSecretName("docker-tls");
        host.setSpec(spec);
        return client.resource(host).createOr(existing -> existing.update());
    }

    /** The Secret docker-tls, created or replaced: Docker's client files, trusting the given CA. */
    private void secret(CertificateAuthority trusted) {
        CertificateAuthority.IssuedCertificate hub = trusted.issueServerCertificate(List.of("hub"), Duration.ofDays(1));
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("edge").withName("docker-tls").endMetadata()
                .addToStringData(DirectTls.CA, trusted.certificatePem())
                .addToStringData(DirectTls.CERT, Pem.encode(hub.certificate()))
                .addToStringData(DirectTls.KEY, Pem.encode(hub.key())).build();
        client.resource(secret).createOr(existing -> existing.update());
    }

    private static int portWhereNothingListens() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private FakeDocker docker() throws IOException, GeneralSecurityException {
        FakeDocker docker = new FakeDocker();
        dockers.add(docker);
        return docker;
    }

    /**
     * A Docker API over TLS (a certificate of DOCKER_CA for 127.0.0.1) that answers version and info,
     * and nothing else; it records whether an engine ran for the host when it was first asked its version.
     */
    private final class FakeDocker implements AutoCloseable {

        final AtomicReference<Boolean> engineRanWhenAsked = new AtomicReference<>();
        private final HttpsServer server;
        private boolean closed;

        FakeDocker() throws IOException, GeneralSecurityException {
            ServingTls serving = new ServingTls(List.of("127.0.0.1"), Duration.ofDays(1));
            serving.apply(CaSet.of(DOCKER_CA), Instant.now());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(new KeyManager[] {serving.keyManager()}, null, null);
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/", this::answer);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void answer(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/version")) {
                engineRanWhenAsked.compareAndSet(null, engines.runs(KEY));
            }
            String body = path.endsWith("/version") ? VERSION : path.endsWith("/info") ? INFO
                    : "{\"message\":\"not in this fake\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(body.startsWith("{\"message") ? 404 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                server.stop(0);
            }
        }
    }
}
