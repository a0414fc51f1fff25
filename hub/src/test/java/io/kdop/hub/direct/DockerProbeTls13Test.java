package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.Pem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A probe of an endpoint that speaks TLS 1.3 only (a proxy in front of a daemon): the probe's own
 * TLS 1.2 handshake is refused with protocol_version, and the API is asked with TLS 1.3, where the
 * client certificate is still checked.
 */
class DockerProbeTls13Test {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CertificateAuthority DAEMON_CA = CertificateAuthority.create("daemon-ca", Duration.ofDays(1),
            RANDOM);
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("other-ca", Duration.ofDays(1),
            RANDOM);

    private HttpsServer daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.stop(0);
        }
    }

    @Test
    void aTls13OnlyDaemonIsAnswered() throws Exception {
        DirectEndpoint endpoint = startDaemon();
        ProbeResult result = DockerProbe.probe(endpoint, Optional.of(clientTls(DAEMON_CA)));
        assertThat(result).isInstanceOfSatisfying(ProbeResult.Answered.class,
                answered -> assertThat(answered.facts().dockerVersion()).isEqualTo("27.3.1"));
    }

    @org.junit.jupiter.api.RepeatedTest(20)
    void aTls13OnlyDaemonStillRefusesAForeignClientCertificate() throws Exception {
        DirectEndpoint endpoint = startDaemon();
        ProbeResult result = DockerProbe.probe(endpoint, Optional.of(clientTls(OTHER_CA)));
        assertThat(result).isInstanceOfSatisfying(ProbeResult.Failed.class,
                failed -> assertThat(failed.reason()).as(failed.message()).isEqualTo("ClientCertificateRefused"));
    }

    @Test
    void aDaemonThatDiesInItsSecondAnswerIsAnApiErrorNotTheCertificates() throws Exception {
        CertificateAuthority.IssuedCertificate serving = DAEMON_CA.issueServerCertificate(List.of("localhost"),
                Duration.ofDays(1));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys(serving), new TrustManager[] {new SignedBy(DAEMON_CA.certificate())}, RANDOM);
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            listener.setNeedClientAuth(true);
            Thread.ofVirtual().start(() -> answerVersionThenReset(listener));
            DirectEndpoint endpoint = ((DirectEndpoint.Parsed.Valid) DirectEndpoint.parse(
                    "tcp://localhost:" + listener.getLocalPort(), "tls", false)).endpoint();

            ProbeResult result = DockerProbe.probe(endpoint, Optional.of(clientTls(DAEMON_CA)));

            // version answered, so both certificates were accepted: the reset of info is something else
            assertThat(result).isInstanceOfSatisfying(ProbeResult.Failed.class,
                    failed -> assertThat(failed.reason()).as(failed.message()).isEqualTo("DockerAPIError"));
        }
    }

    /** Each connection: answers /version, resets in the middle of anything else (a daemon dying after its first answer). */
    private static void answerVersionThenReset(SSLServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket connection = listener.accept()) {
                connection.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                for (String request; (request = in.readLine()) != null; ) {
                    for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                        // a GET has no body: the headers end the request
                    }
                    if (!request.contains("/version ")) {
                        // the start of an answer, then a reset: the client sees "connection reset"
                        connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
                        connection.getOutputStream().flush();
                        connection.setSoLinger(true, 0);
                        break;
                    }
                    byte[] body = """
                            {"Version":"27.3.1","ApiVersion":"1.47","Os":"linux","Arch":"amd64"}"""
                            .getBytes(StandardCharsets.UTF_8);
                    connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    connection.getOutputStream().write(body);
                    connection.getOutputStream().flush();
                }
            } catch (IOException e) {
                // the probe's own TLS 1.2 handshake, refused; or the listener closed
            }
        }
    }

    /** A Docker API that answers version and info over TLS 1.3 only, to client certificates of DAEMON_CA. */
    private DirectEndpoint startDaemon() throws Exception {
        CertificateAuthority.IssuedCertificate serving = DAEMON_CA.issueServerCertificate(List.of("localhost"),
                Duration.ofDays(1));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys(serving), new TrustManager[] {new SignedBy(DAEMON_CA.certificate())}, RANDOM);
        daemon = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        daemon.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3"});
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        Map<String, String> answers = Map.of(
                "/version", """
                        {"Version":"27.3.1","ApiVersion":"1.47","Os":"linux","Arch":"amd64","KernelVersion":"6.1.0"}""",
                "/info", """
                        {"OSType":"linux","Architecture":"x86_64","OperatingSystem":"Debian","KernelVersion":"6.1.0",
                         "NCPU":2,"MemTotal":1073741824,"ContainersRunning":0,"Containers":0}""");
        daemon.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = answers.entrySet().stream().filter(e -> path.endsWith(e.getKey())).findFirst()
                    .map(e -> e.getValue().getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        daemon.start();
        DirectEndpoint.Parsed parsed = DirectEndpoint.parse("tcp://localhost:" + daemon.getAddress().getPort(), "tls",
                false);
        assertThat(parsed).isInstanceOf(DirectEndpoint.Parsed.Valid.class);
        return ((DirectEndpoint.Parsed.Valid) parsed).endpoint();
    }

    /** The hub's contexts from a Secret whose client certificate {@code issuer} signed. */
    private static DirectTls.Built.Ready clientTls(CertificateAuthority issuer) {
        CertificateAuthority.IssuedCertificate client = issuer.issueServerCertificate(List.of("hub"),
                Duration.ofDays(1));
        DirectTls.Built built = DirectTls.build("ns/tls", Optional.of(Map.of(
                "ca.pem", DAEMON_CA.certificatePem().getBytes(StandardCharsets.UTF_8),
                "cert.pem", Pem.encode(client.certificate()).getBytes(StandardCharsets.UTF_8),
                "key.pem", Pem.encode(client.key()).getBytes(StandardCharsets.UTF_8))));
        assertThat(built).isInstanceOf(DirectTls.Built.Ready.class);
        return (DirectTls.Built.Ready) built;
    }

    private static javax.net.ssl.KeyManager[] keys(CertificateAuthority.IssuedCertificate serving)
            throws GeneralSecurityException, IOException {
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("daemon", serving.key(), password, new X509Certificate[] {serving.certificate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /** The daemon's --tlscacert: a client certificate must be signed by the CA (its usage is not checked here). */
    private record SignedBy(X509Certificate ca) implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                chain[0].verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new CertificateException("not signed by the daemon's CA");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {ca};
        }
    }
}
