package io.kdop.hub.pki;

import io.kdop.proto.CaPin;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The hub's CAs at one moment of a CA rotation, and the three steps of a rotation with a two-CA
 * overlap. Pure: certificates and keys in, certificates and decisions out.
 *
 * <ul>
 *   <li>{@code signing} signs the hub's serving certificate and every agent certificate; join
 *       tokens pin it.
 *   <li>{@code next} (phase {@link Phase#ADDED}): a new CA, trusted for client certificates and
 *       sent to agents, which then trust it for the hub's certificate too, but not signing yet.
 *   <li>{@code previous} (phase {@link Phase#PROMOTED}): the CA that signed before the promote,
 *       still trusted for the client certificates it issued until every agent has renewed.
 *   <li>{@code retired}: CAs no longer trusted, remembered only so that a certificate they issued
 *       is refused with a reason the agent can act on ({@code CA_RETIRED}) instead of a bare
 *       handshake failure.
 * </ul>
 */
public record CaSet(CertificateAuthority signing, Optional<CertificateAuthority> next,
        Optional<X509Certificate> previous, List<X509Certificate> retired) {

    /** Retired CAs remembered; older ones' certificates have long expired (agent certificates live days). */
    static final int RETIRED_KEPT = 2;

    /** Where a rotation stands. */
    public enum Phase {
        /** One CA. */
        STABLE,
        /** A next CA is trusted beside the signing one. */
        ADDED,
        /** The next CA signs; the previous one is still trusted for client certificates. */
        PROMOTED
    }

    public CaSet {
        retired = List.copyOf(retired);
        if (next.isPresent() && previous.isPresent()) {
            throw new IllegalArgumentException("a CA set has a next CA (rotation added) or a previous one "
                    + "(rotation promoted), never both");
        }
    }

    /** A single CA, no rotation under way. */
    public static CaSet of(CertificateAuthority ca) {
        return new CaSet(ca, Optional.empty(), Optional.empty(), List.of());
    }

    public Phase phase() {
        return next.isPresent() ? Phase.ADDED : previous.isPresent() ? Phase.PROMOTED : Phase.STABLE;
    }

    /** What join tokens pin: the signing CA. */
    public CaPin pin() {
        return signing.pin();
    }

    /**
     * The CAs the hub trusts for client certificates and the agents should trust for the hub's:
     * the signing CA first, then the next or the previous one.
     */
    public List<X509Certificate> trusted() {
        return Stream.concat(Stream.of(signing.certificate()),
                Stream.concat(next.map(CertificateAuthority::certificate).stream(), previous.stream())).toList();
    }

    /** {@link #trusted()} as PEM, the bundle agents receive. */
    public String bundlePem() {
        StringBuilder pem = new StringBuilder();
        trusted().forEach(ca -> pem.append(Pem.encode(ca)));
        return pem.toString();
    }

    /** Every CA whose certificates complete the TLS handshake: the trusted ones and the retired ones. */
    public List<X509Certificate> recognised() {
        List<X509Certificate> all = new ArrayList<>(trusted());
        all.addAll(retired);
        return List.copyOf(all);
    }

    /** Whether a client certificate was issued by a CA trusted now. */
    public boolean trusts(X509Certificate certificate) {
        return trusted().stream().anyMatch(ca -> issuedBy(certificate, ca));
    }

    /** Whether a certificate was issued by the signing CA (if not, its holder should renew it). */
    public boolean signedBySigning(X509Certificate certificate) {
        return issuedBy(certificate, signing.certificate());
    }

    /**
     * Step 1: trusts {@code nextCa} beside the signing CA.
     *
     * @throws IllegalStateException when a rotation is already under way
     */
    public CaSet add(CertificateAuthority nextCa) {
        if (phase() != Phase.STABLE) {
            throw new IllegalStateException("a rotation is already under way (" + describe() + ")");
        }
        return new CaSet(signing, Optional.of(nextCa), Optional.empty(), retired);
    }

    /**
     * Step 2: the next CA signs from now on; the signing one becomes the previous one.
     *
     * @throws IllegalStateException when there is no next CA
     */
    public CaSet promote() {
        CertificateAuthority promoted = next.orElseThrow(() -> new IllegalStateException(
                "there is no next CA to promote (" + describe() + ")"));
        return new CaSet(promoted, Optional.empty(), Optional.of(signing.certificate()), retired);
    }

    /**
     * Step 3: the previous CA is trusted no more.
     *
     * @throws IllegalStateException when there is no previous CA
     */
    public CaSet retire() {
        X509Certificate old = previous.orElseThrow(() -> new IllegalStateException(
                "there is no previous CA to retire (" + describe() + ")"));
        List<X509Certificate> nowRetired = new ArrayList<>();
        nowRetired.add(old);
        nowRetired.addAll(retired);
        return new CaSet(signing, Optional.empty(), Optional.empty(),
                nowRetired.subList(0, Math.min(RETIRED_KEPT, nowRetired.size())));
    }

    /** The same CAs (by certificate), whatever the objects: whether anything changed for TLS and agents. */
    public boolean sameAs(CaSet other) {
        return other != null && signing.certificate().equals(other.signing.certificate())
                && trusted().equals(other.trusted()) && retired.equals(other.retired);
    }

    /** One line for logs and the Secret's status annotation: the phase and the CAs' pins. */
    public String describe() {
        return switch (phase()) {
            case STABLE -> "one CA " + pin();
            case ADDED -> "signing CA " + pin() + ", next CA " + next.get().pin();
            case PROMOTED -> "signing CA " + pin() + ", previous CA " + CaPin.of(previous.get());
        };
    }

    /** Issuer name and signature, no dates: whether {@code ca} issued {@code certificate}. */
    static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
