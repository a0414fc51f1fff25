package io.kdop.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.agent.TestPki;
import io.kdop.proto.CaPin;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
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
        assertThat(tm.mismatch()).isEmpty();
    }

    @Test
    void rejectsAnotherCaAndRemembersItsPin() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> tm.checkServerTrusted(
                new X509Certificate[] {serverOfOtherCa.certificate(), otherCa.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining(CaPin.of(otherCa.certificate()).hex());
        assertThat(tm.mismatch()).contains(CaPin.of(otherCa.certificate()));
    }

    @Test
    void rejectsALeafNotSignedByThePinnedCaEvenWithThatCaInTheChain() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> tm.checkServerTrusted(
                new X509Certificate[] {serverOfOtherCa.certificate(), ca.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class);
        assertThat(tm.mismatch()).as("the pin matched; the signature did not").isEmpty();
    }

    @Test
    void neverTrustsClients() {
        PinnedCaTrustManager tm = new PinnedCaTrustManager(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {server.certificate()}, AUTH))
                .isInstanceOf(CertificateException.class);
        assertThat(tm.getAcceptedIssuers()).isEmpty();
    }
}
