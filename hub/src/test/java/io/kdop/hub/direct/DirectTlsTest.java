package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DirectTlsTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("test-ca", Duration.ofDays(1),
            new SecureRandom());
    private static final CertificateAuthority.IssuedCertificate CLIENT =
            CA.issueServerCertificate(List.of("client.example.org"), Duration.ofDays(1));
    private static final String KEY_PEM = Pem.encode(CLIENT.key());

    @Test
    void dockersClientFilesMakeAContext() {
        DirectTls.Built built = DirectTls.build("ns/tls", Optional.of(secret()));
        assertThat(built).isInstanceOf(DirectTls.Built.Ready.class);
        DirectTls.Built.Ready ready = (DirectTls.Built.Ready) built;
        // probes stay on TLS 1.2, where a refused client certificate fails the handshake with its alert
        assertThat(ready.probeContext().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(ready.probeContext().getDefaultSSLParameters().getProtocols()).doesNotContain("TLSv1.3");
        assertThat(ready.context().getDefaultSSLParameters().getProtocols()).contains("TLSv1.3");
    }

    @Test
    void aMissingSecretSaysHowToCreateIt() {
        DirectTls.Built.Invalid invalid = invalid(Optional.empty());
        assertThat(invalid.reason()).isEqualTo("TLSSecretNotFound");
        assertThat(invalid.message()).contains("Secret ns/tls", "kubectl create secret generic tls --from-file=ca.pem");
    }

    @Test
    void eachMissingKeyIsNamed() {
        Map<String, byte[]> noKey = secret();
        noKey.remove("key.pem");
        assertThat(invalid(Optional.of(noKey))).satisfies(i -> {
            assertThat(i.reason()).isEqualTo("TLSSecretMissingKey");
            assertThat(i.message()).contains("has no key.pem;").doesNotContain("BEGIN");
        });
        Map<String, byte[]> blankCa = secret();
        blankCa.put("ca.pem", bytes("  \n"));
        blankCa.remove("cert.pem");
        assertThat(invalid(Optional.of(blankCa)).message()).contains("has no ca.pem, no cert.pem;");
    }

    @Test
    void malformedMaterialIsNamedWithoutQuotingIt() {
        Map<String, byte[]> garbled = secret();
        garbled.put("key.pem", bytes(KEY_PEM.replace("A", "%")));
        garbled.put("ca.pem", bytes("not a certificate: hunter2"));
        DirectTls.Built.Invalid invalid = invalid(Optional.of(garbled));
        assertThat(invalid.reason()).isEqualTo("TLSSecretMalformed");
        assertThat(invalid.message()).contains("ca.pem is not a PEM certificate", "key.pem is not a PEM private key")
                .doesNotContain("hunter2").doesNotContain(KEY_PEM.substring(40, 80));
    }

    private static DirectTls.Built.Invalid invalid(Optional<Map<String, byte[]>> data) {
        DirectTls.Built built = DirectTls.build("ns/tls", data);
        assertThat(built).isInstanceOf(DirectTls.Built.Invalid.class);
        return (DirectTls.Built.Invalid) built;
    }

    private static Map<String, byte[]> secret() {
        Map<String, byte[]> data = new HashMap<>();
        data.put("ca.pem", bytes(CA.certificatePem()));
        data.put("cert.pem", bytes(Pem.encode(CLIENT.certificate())));
        data.put("key.pem", bytes(KEY_PEM));
        return data;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
