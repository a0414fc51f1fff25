package io.kdop.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.agent.TestPki;
import io.kdop.proto.CaPin;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PinnedCaTrustManagerTest {

    private static final String AUTH = "ECDHE_ECDSA";
    private static TestPki.Issued ca;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued server;
    private static TestPki.Issued serverOfOtherCa;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("kdop-ca");
        otherCa = TestPki.ca("someone-else");
        server = TestPki.server(ca, "localhost", "127.0.0.1");
        serverOfOtherCa = TestPki.server(otherCa, "localhost", "127.0.0.1");
    }

    @Test
    void acceptsAChainFromThePinnedCa() throws Exception {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        tm.checkServerTrusted(new X509Certificate[] {server.certificate(), ca.certificate()}, AUTH);
        assertThat(tm.rejection()).isEmpty();
    }

    @Test
    void rejectsAnotherCaAndRemembersItsPin() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> tm.checkServerTrusted(
                new X509Certificate[] {serverOfOtherCa.certificate(), otherCa.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class)
                .hasMessage("the hub's CA " + CaPin.of(otherCa.certificate()) + " does not match the pinned "
                        + CaPin.of(ca.certificate()));
        assertThat(tm.rejection()).containsInstanceOf(UntrustedHub.PinMismatch.class);
        assertThat(((UntrustedHub.PinMismatch) tm.rejection().orElseThrow()).presented())
                .isEqualTo(CaPin.of(otherCa.certificate()));
    }

    @Test
    void saysWhatWasPresentedWhenTheChainHasOneCertificate() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        // a hub that sends its server certificate without the CA: that hash is the server's, not a CA's
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {server.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class)
                .hasMessage("the hub presented only one certificate (CN=kdop-hub, key " + CaPin.of(server.certificate())
                        + ") and no CA certificate; none matches the pinned " + CaPin.of(ca.certificate()))
                .message().doesNotContain("the hub's CA");
    }

    @Test
    void rejectsALeafNotSignedByThePinnedCaEvenWithThatCaInTheChain() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> tm.checkServerTrusted(
                new X509Certificate[] {serverOfOtherCa.certificate(), ca.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class);
        assertThat(tm.rejection()).as("the pin matched; the signature did not")
                .containsInstanceOf(UntrustedHub.ChainInvalid.class);
    }

    @Test
    void namesTheServerCertificatesDnsAndIpNames() {
        assertThat(PinnedCaTrustManager.names(server.certificate())).containsExactly("localhost", "127.0.0.1");
        assertThat(new UntrustedHub.NameMismatch(List.of("hub.example")).message("10.1.2.3"))
                .isEqualTo("the hub's certificate does not name 10.1.2.3: its names are [hub.example];"
                        + " use one of them in --hub or add 10.1.2.3 to the hub's --tls-san");
    }

    @Test
    void neverTrustsClients() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {server.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class);
        assertThat(tm.getAcceptedIssuers()).isEmpty();
    }
}
