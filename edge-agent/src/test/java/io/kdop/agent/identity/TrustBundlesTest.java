package io.kdop.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.agent.TestPki;
import io.kdop.proto.CaPin;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrustBundlesTest {

    private static TestPki.Issued ca;
    private static TestPki.Issued nextCa;
    private static TestPki.Issued strangerCa;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("kdop-ca");
        nextCa = TestPki.ca("kdop-ca-2");
        strangerCa = TestPki.ca("stranger");
    }

    private static X509Certificate clientOf(TestPki.Issued issuer) throws Exception {
        Instant now = Instant.now();
        return TestPki.client(issuer, KeyAndCsr.generate().keyPair().getPublic(), "urn:kdop:dockerhost:edge:edge-1:uid-1",
                now, now.plus(Duration.ofHours(1)));
    }

    @Test
    void aJoinBundleMustHoldThePinnedCaThatIssuedTheCertificate() throws Exception {
        CaPin pin = CaPin.of(ca.certificate());
        TrustBundles.checkJoinBundle(List.of(ca.certificate()), pin, clientOf(ca));
        TrustBundles.checkJoinBundle(List.of(nextCa.certificate(), ca.certificate()), pin, clientOf(ca));

        assertThatThrownBy(() -> TrustBundles.checkJoinBundle(List.of(strangerCa.certificate()), pin, clientOf(strangerCa)))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("does not contain the CA pinned in the join token (" + pin + ")");
        assertThatThrownBy(() -> TrustBundles.checkJoinBundle(List.of(ca.certificate(), strangerCa.certificate()), pin,
                clientOf(strangerCa)))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("is not signed by the CA pinned in the join token");
    }

    @Test
    void aRenewalKeepsTheAnchorsWhenTheHubSendsNone() throws Exception {
        List<X509Certificate> trusted = List.of(ca.certificate());
        assertThat(TrustBundles.renewalBundle(trusted, List.of(), clientOf(ca))).isEqualTo(trusted);
        assertThatThrownBy(() -> TrustBundles.renewalBundle(trusted, List.of(), clientOf(strangerCa)))
                .isInstanceOf(CertificateException.class).hasMessageContaining("is not signed by a CA in");
    }

    @Test
    void aRenewalMayRotateTheCaOnlyThroughABundleThatStillHoldsATrustedOne() throws Exception {
        List<X509Certificate> trusted = List.of(ca.certificate());
        List<X509Certificate> both = List.of(ca.certificate(), nextCa.certificate());
        assertThat(TrustBundles.renewalBundle(trusted, both, clientOf(nextCa))).isEqualTo(both);
        // later, once both are trusted, the old one may go
        assertThat(TrustBundles.renewalBundle(both, List.of(nextCa.certificate()), clientOf(nextCa)))
                .containsExactly(nextCa.certificate());

        assertThatThrownBy(() -> TrustBundles.renewalBundle(trusted, List.of(strangerCa.certificate()),
                clientOf(strangerCa)))
                .isInstanceOf(CertificateException.class).hasMessageContaining("contains none of the CAs the agent trusts");
        assertThatThrownBy(() -> TrustBundles.renewalBundle(trusted, both, clientOf(strangerCa)))
                .isInstanceOf(CertificateException.class).hasMessageContaining("is not signed by a CA in");
    }

    @Test
    void aSessionBundleIsTakenIfItHoldsACaTrustedNow() throws Exception {
        List<X509Certificate> trusted = List.of(ca.certificate());
        List<X509Certificate> both = List.of(nextCa.certificate(), ca.certificate());

        assertThat(TrustBundles.sessionBundle(trusted, both)).isEqualTo(both);
        assertThat(TrustBundles.sessionBundle(both, List.of(nextCa.certificate()))).as("the old CA retired")
                .containsExactly(nextCa.certificate());
        assertThatThrownBy(() -> TrustBundles.sessionBundle(trusted, List.of(strangerCa.certificate())))
                .isInstanceOf(CertificateException.class).hasMessageContaining("contains none of the CAs the agent trusts");
        assertThatThrownBy(() -> TrustBundles.sessionBundle(trusted, List.of()))
                .isInstanceOf(CertificateException.class).hasMessageContaining("empty");
    }
}
