package io.kdop.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CAs trusted, signing and sent to agents in each phase of a rotation. */
class CaSetTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final CertificateAuthority old = CertificateAuthority.create("kdop-hub-ca", Duration.ofDays(1), RANDOM);
    private final CertificateAuthority next = CertificateAuthority.create("kdop-hub-ca-2", Duration.ofDays(1), RANDOM);
    private final X509Certificate oldAgent = agentCertificate(old);
    private final X509Certificate nextAgent = agentCertificate(next);

    @Test
    void oneCaSignsAndIsTheWholeBundle() {
        CaSet stable = CaSet.of(old);

        assertThat(stable.phase()).isEqualTo(CaSet.Phase.STABLE);
        assertThat(stable.trusted()).containsExactly(old.certificate());
        assertThat(Pem.certificates(stable.bundlePem())).containsExactly(old.certificate());
        assertThat(stable.pin()).isEqualTo(old.pin());
        assertThat(stable.trusts(oldAgent)).isTrue();
        assertThat(stable.trusts(nextAgent)).isFalse();
    }

    @Test
    void addTrustsTheNextCaBesideTheSigningOneWhichStillSigns() {
        CaSet added = CaSet.of(old).add(next);

        assertThat(added.phase()).isEqualTo(CaSet.Phase.ADDED);
        assertThat(added.signing()).isSameAs(old);
        assertThat(added.pin()).as("join tokens still pin the old CA").isEqualTo(old.pin());
        assertThat(Pem.certificates(added.bundlePem())).containsExactly(old.certificate(), next.certificate());
        assertThat(added.trusts(oldAgent)).isTrue();
        assertThat(added.trusts(nextAgent)).isTrue();
        assertThat(added.signedBySigning(oldAgent)).isTrue();
    }

    @Test
    void promoteSignsWithTheNextCaAndStillTrustsThePreviousOne() {
        CaSet promoted = CaSet.of(old).add(next).promote();

        assertThat(promoted.phase()).isEqualTo(CaSet.Phase.PROMOTED);
        assertThat(promoted.signing()).isSameAs(next);
        assertThat(promoted.pin()).as("new join tokens pin the new CA").isEqualTo(next.pin());
        assertThat(Pem.certificates(promoted.bundlePem())).containsExactly(next.certificate(), old.certificate());
        assertThat(promoted.trusts(oldAgent)).as("agents not renewed yet").isTrue();
        assertThat(promoted.signedBySigning(oldAgent)).as("...are told to renew").isFalse();
        assertThat(promoted.signedBySigning(nextAgent)).isTrue();
    }

    @Test
    void retireTrustsTheNewCaOnlyAndRemembersTheOldOneToRefuseItsCertificates() {
        CaSet retired = CaSet.of(old).add(next).promote().retire();

        assertThat(retired.phase()).isEqualTo(CaSet.Phase.STABLE);
        assertThat(Pem.certificates(retired.bundlePem())).containsExactly(next.certificate());
        assertThat(retired.trusts(oldAgent)).isFalse();
        assertThat(retired.trusts(nextAgent)).isTrue();
        assertThat(retired.recognised()).as("still completes the handshake, to be refused with CA_RETIRED")
                .containsExactly(next.certificate(), old.certificate());
    }

    @Test
    void onlyTheLastTwoRetiredCasAreRemembered() {
        CaSet cas = CaSet.of(old);
        List<CertificateAuthority> all = List.of(old, next, ca(), ca());
        for (CertificateAuthority successor : all.subList(1, all.size())) {
            cas = cas.add(successor).promote().retire();
        }

        assertThat(cas.retired()).containsExactly(all.get(2).certificate(), all.get(1).certificate());
    }

    @Test
    void stepsOutOfOrderAreRefusedSayingWhereTheRotationStands() {
        assertThatThrownBy(() -> CaSet.of(old).promote()).hasMessageContaining("no next CA to promote");
        assertThatThrownBy(() -> CaSet.of(old).retire()).hasMessageContaining("no previous CA to retire");
        assertThatThrownBy(() -> CaSet.of(old).add(next).add(ca())).hasMessageContaining("already under way");
        assertThatThrownBy(() -> CaSet.of(old).add(next).promote().add(ca()))
                .hasMessageContaining("already under way").hasMessageContaining("previous CA");
    }

    @Test
    void setsWithTheSameCertificatesAreTheSame() {
        CaSet added = CaSet.of(old).add(next);
        assertThat(added.sameAs(CaSet.of(old).add(next))).isTrue();
        assertThat(added.sameAs(added.promote())).isFalse();
        assertThat(CaSet.of(old).sameAs(added)).isFalse();
    }

    private static CertificateAuthority ca() {
        return CertificateAuthority.create("kdop-hub-ca-" + RANDOM.nextInt(1000), Duration.ofDays(1), RANDOM);
    }

    /** Any certificate the CA issued: trust is about the issuer. */
    static X509Certificate agentCertificate(CertificateAuthority ca) {
        return ca.issueServerCertificate(List.of("localhost"), Duration.ofHours(1)).certificate();
    }
}
