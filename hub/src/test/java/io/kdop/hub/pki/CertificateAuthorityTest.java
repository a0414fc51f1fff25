package io.kdop.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1), RANDOM);
    private final AgentIdentity identity = new AgentIdentity("edge", "edge-1", "0b1c-uid", "tok3n1d0");

    @Test
    void agentCertificatesNameTheIdentityGivenNotTheOneRequested() throws Exception {
        KeyPair agentKey = CertificateAuthority.newEcKeyPair(RANDOM);
        byte[] csr = csr(agentKey, "CN=someone-else", "SHA256withECDSA");

        X509Certificate cert = ca.signAgentCertificate(csr, identity, Duration.ofHours(2));

        cert.verify(ca.certificate().getPublicKey());
        assertThat(AgentIdentity.fromCertificate(cert)).contains(identity);
        assertThat(cert.getSubjectX500Principal().getName()).doesNotContain("someone-else");
        assertThat(cert.getPublicKey()).isEqualTo(agentKey.getPublic());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        long lifetime = cert.getNotAfter().getTime() - cert.getNotBefore().getTime();
        assertThat(Duration.ofMillis(lifetime)).isEqualTo(Duration.ofHours(2).plus(CertificateAuthority.BACKDATE));
    }

    @Test
    void shortLivedCertificatesAreBackdatedByATenthOfTheirLifeAtMost() {
        assertThat(CertificateAuthority.backdate(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(3));
        assertThat(CertificateAuthority.backdate(Duration.ofDays(7))).isEqualTo(CertificateAuthority.BACKDATE);
    }

    @Test
    void malformedOrWeakRequestsAreRefused() throws Exception {
        assertThatThrownBy(() -> ca.signAgentCertificate(new byte[] {1, 2, 3}, identity, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#10");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        byte[] weak = csr(rsa.generateKeyPair(), "CN=x", "SHA256withRSA");
        assertThatThrownBy(() -> ca.signAgentCertificate(weak, identity, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSA 2048");
    }

    @Test
    void serverCertificateCarriesTheConfiguredNames() throws Exception {
        X509Certificate cert = ca.issueServerCertificate(List.of("hub.example.org", "127.0.0.1"), Duration.ofDays(1))
                .certificate();
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                .containsExactlyInAnyOrder("hub.example.org", "127.0.0.1");
    }

    @Test
    void theCaSurvivesAPemRoundTripWithTheSamePin() {
        CertificateAuthority reloaded = new CertificateAuthority(Pem.certificate(ca.certificatePem()),
                Pem.privateKey(Pem.encode(ca.key())), RANDOM);
        assertThat(reloaded.pin()).isEqualTo(ca.pin());
    }

    @Test
    void identityUrisRoundTripAndRejectGarbage() {
        assertThat(AgentIdentity.fromUri(identity.toUri())).contains(identity);
        assertThat(AgentIdentity.fromUri("urn:kdop:dockerhost:a:b")).isEmpty();
        assertThat(AgentIdentity.fromUri("urn:kdop:dockerhost:a:b:uid")).as("no generation").isEmpty();
        assertThat(AgentIdentity.fromUri("spiffe://x/y")).isEmpty();
    }

    private static byte[] csr(KeyPair key, String subject, String algorithm) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                .build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate()))
                .getEncoded();
    }
}
