package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;

/** docker-java wraps what the transport threw in a RuntimeException; the chain is what counts. */
class ProbeFailuresTest {

    private static final DirectEndpoint TLS = new DirectEndpoint(DirectEndpoint.Transport.TLS, "tcp://10.1.2.3:2376",
            "10.1.2.3", "docker-tls");

    @Test
    void anUnknownCa() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path validation failed");
        e.initCause(new CertificateException("x", new CertPathValidatorException("signature check failed")));
        assertThat(reason(e)).isEqualTo("UnknownCA");
        assertThat(ProbeFailures.classify(new RuntimeException(new SSLHandshakeException(
                "PKIX path building failed: unable to find valid certification path to requested target")), TLS).reason())
                .isEqualTo("UnknownCA");
    }

    @Test
    void aRefusedClientCertificate() {
        ProbeResult.Failed failed = ProbeFailures.classify(new RuntimeException(
                new SSLHandshakeException("Received fatal alert: bad_certificate")), TLS);
        assertThat(failed.reason()).isEqualTo("ClientCertificateRefused");
        assertThat(failed.message()).contains("cert.pem of Secret docker-tls", "TLS alert bad_certificate");
        assertThat(reason(new javax.net.ssl.SSLException("Received fatal alert: certificate_required")))
                .isEqualTo("ClientCertificateRefused");
    }

    @Test
    void aHandshakeTheDaemonDropsWhileCheckingTheClientCertificateIsARefusedCertificate() {
        for (IOException dropped : List.of(new java.net.SocketException("Broken pipe"),
                new java.net.SocketException("Connection reset"),
                new SSLHandshakeException("Remote host terminated the handshake"))) {
            ProbeResult.Failed failed = ProbeFailures.classifyHandshake(dropped, TLS, true);
            assertThat(failed.reason()).as(dropped.getMessage()).isEqualTo("ClientCertificateRefused");
            assertThat(failed.message()).contains("closed the connection while checking the client certificate "
                    + "cert.pem of Secret docker-tls");
        }
        // a drop before the daemon asked for the certificate (a proxy, a firewall) is not blamed on it
        assertThat(ProbeFailures.classifyHandshake(new java.net.SocketException("Connection reset"), TLS, false)
                .reason()).isEqualTo("DockerAPIError");
        // a named cause stays what it is
        assertThat(ProbeFailures.classifyHandshake(new ConnectException("Connection refused"), TLS, true).reason())
                .isEqualTo("Unreachable");
        assertThat(ProbeFailures.classifyHandshake(new SSLHandshakeException("Received fatal alert: bad_certificate"),
                TLS, true).message()).contains("TLS alert bad_certificate");
        assertThat(ProbeFailures.classifyHandshake(new SSLHandshakeException(
                "PKIX path building failed: unable to find valid certification path to requested target"), TLS, true)
                .reason()).isEqualTo("UnknownCA");
    }

    @Test
    void aTls13FirstRequestDroppedAfterTheCertificateRequestIsMostLikelyARefusedCertificate() {
        ProbeResult.Failed failed = ProbeFailures.classifyTls13FirstRequest(
                new RuntimeException(new java.net.SocketException("Broken pipe")), TLS, true);
        assertThat(failed.reason()).isEqualTo("ClientCertificateRefused");
        assertThat(failed.message()).contains("speaks TLS 1.3 only", "cert.pem of Secret docker-tls",
                "a TLS-terminating proxy in front of the daemon that cannot reach it looks the same");
        // not asked for a certificate: the drop is not about it
        assertThat(ProbeFailures.classifyTls13FirstRequest(new java.net.SocketException("Connection reset"), TLS,
                false).reason()).isEqualTo("DockerAPIError");
        assertThat(ProbeFailures.classifyTls13FirstRequest(new javax.net.ssl.SSLException(
                "Received fatal alert: certificate_required"), TLS, true).message()).contains("TLS alert certificate_required");
    }

    @Test
    void aServerNameThatIsNotTheHostInTheUrl() {
        ProbeResult.Failed failed = ProbeFailures.classify(new RuntimeException(new SSLPeerUnverifiedException(
                "Certificate for <10.1.2.3> doesn't match any of the subject alternative names: [10.9.9.9]")), TLS);
        assertThat(failed.reason()).isEqualTo("ServerNameMismatch");
        assertThat(failed.message()).contains("not issued for 10.1.2.3");
    }

    @Test
    void anAddressNobodyListensOn() {
        ProbeResult.Failed failed = ProbeFailures.classify(new RuntimeException(
                new ConnectException("Connection refused")), TLS);
        assertThat(failed.reason()).isEqualTo("Unreachable");
        assertThat(failed.message()).contains("nothing answers at tcp://10.1.2.3:2376 (Connection refused)");
        assertThat(reason(new java.net.SocketTimeoutException("Connect timed out"))).isEqualTo("Unreachable");
        DirectEndpoint socket = new DirectEndpoint(DirectEndpoint.Transport.UNIX, "unix:///run/absent.sock", null, null);
        assertThat(ProbeFailures.classify(new RuntimeException(new java.net.SocketException("No such file or directory")),
                socket).message()).isEqualTo("nothing answers at unix:///run/absent.sock (No such file or directory); "
                        + "check spec.hostURL, that dockerd listens there (-H), and that the hub's network reaches it");
        assertThat(ProbeFailures.classify(new java.net.SocketException("Connection refused"), socket).reason())
                .isEqualTo("Unreachable");
    }

    @Test
    void theWrongProtocolEitherWay() {
        assertThat(reason(new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message"))).isEqualTo("NotTLS");
        assertThat(reason(new RuntimeException("Status 400: Client sent an HTTP request to an HTTPS server.")))
                .isEqualTo("TLSRequired");
    }

    @Test
    void anythingElseQuotesTheRootCauseBriefly() {
        ProbeResult.Failed failed = ProbeFailures.classify(new RuntimeException(new IOException("odd\nsecond line")),
                TLS);
        assertThat(failed.reason()).isEqualTo("DockerAPIError");
        assertThat(failed.message()).endsWith(": odd");
    }

    private static String reason(Exception e) {
        return ProbeFailures.classify(new RuntimeException(e), TLS).reason();
    }
}
