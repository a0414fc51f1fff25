package io.kdop.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub's serving certificate is replaced before it expires and when another CA signs, while the port serves. */
class ServingTlsTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final CertificateAuthority old = CertificateAuthority.create("kdop-hub-ca", Duration.ofDays(30), RANDOM);
    private final CertificateAuthority next = CertificateAuthority.create("kdop-hub-ca-2", Duration.ofDays(30), RANDOM);

    @Test
    void aCertificateIsReissuedOnceTwoThirdsOfItsLifeAreOver() {
        X509Certificate current = old.issueServerCertificate(List.of("localhost"), Duration.ofDays(9)).certificate();
        Instant notBefore = current.getNotBefore().toInstant();
        Instant renewAt = notBefore.plus(Duration.between(notBefore, current.getNotAfter().toInstant())
                .multipliedBy(2).dividedBy(3));

        assertThat(ServingTls.reissueDue(current, CaSet.of(old), notBefore.plus(Duration.ofDays(1)))).isFalse();
        assertThat(ServingTls.reissueDue(current, CaSet.of(old), renewAt.minusSeconds(1))).isFalse();
        assertThat(ServingTls.reissueDue(current, CaSet.of(old), renewAt)).isTrue();
        assertThat(ServingTls.reissueDue(current, CaSet.of(old), current.getNotAfter().toInstant().plusSeconds(1)))
                .isTrue();
        assertThat(ServingTls.reissueDue(null, CaSet.of(old), notBefore)).as("none yet").isTrue();
    }

    @Test
    void aCertificateIsReissuedAsSoonAsAnotherCaSigns() {
        X509Certificate current = old.issueServerCertificate(List.of("localhost"), Duration.ofDays(9)).certificate();
        Instant fresh = current.getNotBefore().toInstant().plusSeconds(600);

        assertThat(ServingTls.reissueDue(current, CaSet.of(old).add(next), fresh)).as("added: old still signs").isFalse();
        assertThat(ServingTls.reissueDue(current, CaSet.of(old).add(next).promote(), fresh)).isTrue();
    }

    @Test
    void applyingTheCasServesACertificateOfTheSigningCaAndNamesNoCaToClients() throws Exception {
        ServingTls tls = new ServingTls(List.of("hub.example.org"), Duration.ofDays(365));
        CaSet added = CaSet.of(old).add(next);

        tls.apply(added, Instant.now());
        X509Certificate first = tls.certificate();
        first.verify(old.certificate().getPublicKey());
        assertThat(tls.keyManager().getCertificateChain(alias(tls))).containsExactly(first, old.certificate());
        assertThat(tls.trustManager().getAcceptedIssuers()).as("frozen by the TLS engine at start: names none")
                .isEmpty();

        tls.apply(added, Instant.now());
        assertThat(tls.certificate()).as("nothing due").isSameAs(first);

        CaSet retired = added.promote().retire();
        tls.apply(retired, Instant.now());
        tls.certificate().verify(next.certificate().getPublicKey());
        assertThat(tls.keyManager().getCertificateChain(alias(tls))).containsExactly(tls.certificate(),
                next.certificate());
    }

    private static String alias(ServingTls tls) {
        return tls.keyManager().chooseServerAlias("EC", null, null);
    }
}
