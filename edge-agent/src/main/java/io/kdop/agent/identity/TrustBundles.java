package io.kdop.agent.identity;

import io.kdop.proto.CaPin;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The rules for accepting a CA bundle from the hub, so the agent's trust anchors only ever move
 * from something it already trusts: at join, from the CA pinned in the token; at renewal, from a
 * CA it trusts now. Pure: certificates in, a decision out.
 */
public final class TrustBundles {

    private TrustBundles() {}

    /**
     * The join bundle must hold the CA with the token's pin, and that CA must have issued the
     * agent's certificate: otherwise the stored anchors would trust something the pin never vouched for.
     *
     * @throws CertificateException saying which rule failed
     */
    public static void checkJoinBundle(List<X509Certificate> bundle, CaPin pin, X509Certificate issued)
            throws CertificateException {
        X509Certificate pinned = bundle.stream().filter(pin::matches).findFirst()
                .orElseThrow(() -> new CertificateException("the hub's CA bundle does not contain the CA pinned in the"
                        + " join token (" + pin + "); it holds " + pins(bundle)));
        if (!issuedBy(issued, pinned)) {
            throw new CertificateException("the certificate the hub issued (issuer "
                    + issued.getIssuerX500Principal().getName() + ") is not signed by the CA pinned in the join token ("
                    + pin + ")");
        }
    }

    /**
     * The anchors to keep after a renewal: the offered bundle if it still holds a CA trusted now
     * (by key, so a CA re-issued with the same key still counts) and a CA in it issued the new
     * certificate; the current anchors if the hub sent none. A CA rotation thus goes through a
     * bundle with both CAs.
     *
     * @throws CertificateException saying which rule failed
     */
    public static List<X509Certificate> renewalBundle(List<X509Certificate> trusted, List<X509Certificate> offered,
            X509Certificate issued) throws CertificateException {
        List<X509Certificate> next = offered.isEmpty() ? trusted : offered;
        if (!offered.isEmpty() && offered.stream().noneMatch(ca -> trusted.stream().anyMatch(t -> sameKey(t, ca)))) {
            throw new CertificateException("the hub's new CA bundle " + pins(offered)
                    + " contains none of the CAs the agent trusts " + pins(trusted));
        }
        if (issuer(issued, next).isEmpty()) {
            throw new CertificateException("the renewed certificate (issuer " + issued.getIssuerX500Principal().getName()
                    + ") is not signed by a CA in " + pins(next));
        }
        return List.copyOf(next);
    }

    /**
     * The anchors to keep after the hub sent a trust bundle over the session: the offered bundle,
     * if it holds a CA trusted now (by key). The hub was authenticated against the current anchors
     * on this very connection, so what it vouches for here is as trustworthy as a renewal's bundle;
     * a bundle that shares nothing with them would cut the agent off from the hub it trusts.
     *
     * @throws CertificateException saying why the bundle is refused
     */
    public static List<X509Certificate> sessionBundle(List<X509Certificate> trusted, List<X509Certificate> offered)
            throws CertificateException {
        if (offered.isEmpty()) {
            throw new CertificateException("the hub sent an empty CA bundle");
        }
        if (offered.stream().noneMatch(ca -> trusted.stream().anyMatch(t -> sameKey(t, ca)))) {
            throw new CertificateException("the hub's CA bundle " + pins(offered)
                    + " contains none of the CAs the agent trusts " + pins(trusted));
        }
        return List.copyOf(offered);
    }

    /** The pins of the CAs, for messages. */
    public static List<String> pins(List<X509Certificate> cas) {
        return cas.stream().map(ca -> CaPin.of(ca).toString()).toList();
    }

    /** The CA of the bundle that signed the certificate. */
    public static Optional<X509Certificate> issuer(X509Certificate certificate, List<X509Certificate> cas) {
        return cas.stream().filter(ca -> issuedBy(certificate, ca)).findFirst();
    }

    /**
     * Issuer name and signature only, no validity dates: a fresh certificate must not be refused
     * because the agent's clock is a little behind the hub's.
     */
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

    private static boolean sameKey(X509Certificate a, X509Certificate b) {
        return CaPin.of(a).equals(CaPin.of(b));
    }

}
