package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.pki.CaSet;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.Pem;
import io.kdop.hub.pki.ServingTls;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The probe's own TLS handshake sends spec.hostURL's host as SNI when it is a name, and none for an address. */
class DockerProbeTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("docker-ca", Duration.ofDays(1),
            new SecureRandom());

    /** The server names each handshake at the daemon asked for, in the order the connections came. */
    private final BlockingQueue<List<String>> asked = new LinkedBlockingQueue<>();
    private SSLServerSocket daemon;
    private Thread accepting;

    @BeforeEach
    void start() throws Exception {
        ServingTls serving = new ServingTls(List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(1));
        serving.apply(CaSet.of(CA), Instant.now());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] {serving.keyManager()}, null, null);
        // where "localhost" leads, so that the name and its address reach the same daemon
        daemon = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 8,
                InetAddress.getByName("localhost"));
        accepting = Thread.ofPlatform().daemon().name("fake-daemon").start(this::accept);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
        accepting.join(TimeUnit.SECONDS.toMillis(10));
    }

    @Test
    void aNamedHostIsAskedForByItsName() throws Exception {
        assertThat(namesAskedByTheProbe("localhost")).containsExactly("localhost");
    }

    @Test
    void anAddressIsSentNoServerName() throws Exception {
        String address = daemon.getInetAddress().getHostAddress();
        assertThat(namesAskedByTheProbe(address.contains(":") ? "[" + address + "]" : address)).isEmpty();
    }

    /** Probes tcp://HOST:PORT with mutual TLS; the server names of the probe's own handshake, its first connection. */
    private List<String> namesAskedByTheProbe(String host) throws InterruptedException {
        DirectEndpoint endpoint = ((DirectEndpoint.Parsed.Valid) DirectEndpoint.parse(
                "tcp://" + host + ":" + daemon.getLocalPort(), "docker-tls", null)).endpoint();
        DirectTls.Built.Ready ready = (DirectTls.Built.Ready) DirectTls.build("edge/docker-tls", Optional.of(secret()));

        DockerProbe.probe(endpoint, Optional.of(ready));

        List<String> first = asked.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("the daemon completed a handshake").isNotNull();
        return first;
    }

    /** Completes each connection's handshake, records the server names it asked for (or its failure), hangs up. */
    private void accept() {
        while (true) {
            SSLSocket socket;
            try {
                socket = (SSLSocket) daemon.accept();
            } catch (IOException e) {
                return; // closed
            }
            try (socket) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                asked.add(((ExtendedSSLSession) socket.getSession()).getRequestedServerNames().stream()
                        .map(name -> ((SNIHostName) name).getAsciiName()).toList());
            } catch (IOException e) {
                asked.add(List.of("no handshake: " + e));
            }
        }
    }

    /** Docker's client files: the daemon's CA and a client certificate of it. */
    private static Map<String, byte[]> secret() {
        CertificateAuthority.IssuedCertificate client = CA.issueServerCertificate(List.of("hub"), Duration.ofDays(1));
        return Map.of(DirectTls.CA, bytes(CA.certificatePem()), DirectTls.CERT, bytes(Pem.encode(client.certificate())),
                DirectTls.KEY, bytes(Pem.encode(client.key())));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
