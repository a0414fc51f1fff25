package io.kdop.agent.session;

import com.google.protobuf.ByteString;
import io.kdop.agent.identity.KeyAndCsr;
import io.kdop.agent.identity.Pem;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.identity.TrustBundles;
import io.kdop.proto.v1.CertificateIssued;
import io.kdop.proto.v1.RenewCertificate;
import io.kdop.proto.v1.TrustBundle;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the client certificate within one session: asks when it is due (one request at a time,
 * a new key each time) and stores what the hub sends back only if it keeps the trust anchors
 * pinned to a CA the agent already trusts. Follows the hub's trust bundles the same way (a CA
 * rotation), and renews at once when the hub says another CA signs now. Not thread-safe: the
 * session thread alone uses it.
 */
final class CertificateRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);

    private final CurrentIdentity identity;
    private final RenewalPolicy policy;
    private final Clock clock;
    private KeyAndCsr inFlight;
    private boolean renewNow;

    CertificateRenewal(CurrentIdentity identity, RenewalPolicy policy, Clock clock) {
        this.identity = identity;
        this.policy = policy;
        this.clock = clock;
    }

    /** The request to send, when renewal is due and none is waiting for an answer. */
    Optional<RenewCertificate> request() {
        X509Certificate certificate = identity.get().certificate();
        if (inFlight != null || !(renewNow || policy.due(certificate, clock.instant()))) {
            return Optional.empty();
        }
        if (renewNow) {
            LOG.info("the hub signs with a new CA: asking it for a new client certificate now");
        } else {
            LOG.info("client certificate expires at {}: asking the hub for a new one",
                    certificate.getNotAfter().toInstant());
        }
        renewNow = false;
        inFlight = KeyAndCsr.generate(); // a new key for every certificate
        return Optional.of(RenewCertificate.newBuilder().setCsrDer(ByteString.copyFrom(inFlight.csrDer())).build());
    }

    /**
     * Trusts the hub's bundle from now on if it holds a CA trusted now (stored first, used from
     * the next connection on), and renews at once when the hub asks and the certificate is not
     * from the CA that signs now.
     */
    void onTrust(TrustBundle trust) {
        StoredIdentity current = identity.get();
        List<X509Certificate> offered;
        List<X509Certificate> anchors;
        try {
            offered = Pem.parseCertificates(trust.getCaBundlePem());
            anchors = TrustBundles.sessionBundle(current.caCertificates(), offered);
        } catch (CertificateException e) {
            LOG.error("ignoring the hub's CA bundle: {}; keeping the CAs trusted now {}", e.getMessage(),
                    TrustBundles.pins(current.caCertificates()));
            return;
        }
        if (!anchors.equals(current.caCertificates())) {
            try {
                identity.replace(current.withTrust(anchors));
                LOG.info("trusting the hub's CAs {} from now on (was {})", TrustBundles.pins(anchors),
                        TrustBundles.pins(current.caCertificates()));
            } catch (IOException e) {
                LOG.error("cannot store the hub's new CA bundle: {}; the next session brings it again", e.getMessage());
                return;
            }
        }
        X509Certificate certificate = identity.get().certificate();
        // the hub's verdict is about this connection's certificate; a renewal since may have settled it
        renewNow = trust.getRenewCertificate()
                && TrustBundles.issuer(certificate, List.of(offered.getFirst())).isEmpty();
    }

    /** Stores an issued certificate if it answers our request and keeps trust pinned; otherwise keeps the current one. */
    void onIssued(CertificateIssued issued) {
        KeyAndCsr pending = inFlight;
        inFlight = null; // whatever happens, the next due check may ask again
        if (pending == null) {
            LOG.warn("the hub sent a certificate nobody asked for; ignored");
            return;
        }
        try {
            X509Certificate certificate = Pem.parseCertificates(issued.getCertificatePem()).getFirst();
            if (!certificate.getPublicKey().equals(pending.keyPair().getPublic())) {
                LOG.error("the renewed certificate is not for the key the agent sent; keeping the current one");
                return;
            }
            List<X509Certificate> offered = issued.getCaBundlePem().isBlank()
                    ? List.of() : Pem.parseCertificates(issued.getCaBundlePem());
            StoredIdentity current = identity.get();
            List<X509Certificate> anchors;
            try {
                anchors = TrustBundles.renewalBundle(current.caCertificates(), offered, certificate);
            } catch (CertificateException e) {
                LOG.error("ignoring the renewed certificate: {}; keeping the current one (valid until {})",
                        e.getMessage(), current.certificate().getNotAfter().toInstant());
                return;
            }
            identity.replace(current.renewed(pending.keyPair().getPrivate(), certificate, anchors));
            LOG.info("client certificate renewed, valid until {}; the next connection uses it",
                    certificate.getNotAfter().toInstant());
        } catch (CertificateException | IOException e) {
            // the current certificate stays; the next due check asks again
            LOG.error("cannot store the renewed certificate: {}", e.getMessage());
        }
    }
}
