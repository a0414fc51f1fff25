package io.kdop.hub.pki;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS material of the hub's port, replaced while it serves: its serving certificate (reissued
 * before it expires and whenever another CA signs) and the CAs it accepts client certificates
 * from. Every new handshake sees the latest; established connections keep theirs.
 */
public final class ServingTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServingTls.class);
    /** Reissued at two thirds of its life, as agents renew theirs; the hub checks hourly. */
    static final double RENEW_AT = 2.0 / 3.0;

    private final List<String> subjectAltNames;
    private final Duration validity;
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager trust;
    private volatile X509Certificate serving;

    public ServingTls(List<String> subjectAltNames, Duration validity) {
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.validity = validity;
        try {
            trust = AdvancedTlsX509TrustManager.newBuilder()
                    // a client certificate names no host; the hub authorizes by the identity it carries
                    .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                    .build();
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot create the hub's trust manager", e);
        }
    }

    /**
     * Trusts the set's CAs (the retired ones too, so that their certificates are refused with a
     * reason rather than a bare handshake failure) and reissues the serving certificate if due.
     */
    public synchronized void apply(CaSet cas, Instant now) {
        try {
            trust.updateTrustCredentials(cas.recognised().toArray(X509Certificate[]::new));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the hub's CAs", e);
        }
        if (reissueDue(serving, cas, now)) {
            CertificateAuthority.IssuedCertificate issued = cas.signing().issueServerCertificate(subjectAltNames,
                    validity);
            keys.updateIdentityCredentials(new X509Certificate[] {issued.certificate(), cas.signing().certificate()},
                    issued.key());
            LOG.info("{} serving certificate signed by CA {}, valid until {}", serving == null ? "new" : "reissued the",
                    cas.pin(), issued.certificate().getNotAfter().toInstant());
            serving = issued.certificate();
        }
    }

    /**
     * Whether the serving certificate must be replaced: there is none yet, another CA signs now
     * (a rotation was promoted), or two thirds of its life are over.
     */
    static boolean reissueDue(X509Certificate current, CaSet cas, Instant now) {
        if (current == null || !cas.signedBySigning(current)) {
            return true;
        }
        Instant notBefore = current.getNotBefore().toInstant();
        long lifeMillis = Duration.between(notBefore, current.getNotAfter().toInstant()).toMillis();
        return !now.isBefore(notBefore.plusMillis((long) (lifeMillis * RENEW_AT)));
    }

    /** The serving certificate now. */
    public X509Certificate certificate() {
        return serving;
    }

    public X509ExtendedKeyManager keyManager() {
        return keys;
    }

    /**
     * Verifies client certificates against the CAs now, but names no CA in the handshake's
     * certificate request: the TLS engine reads that list once, when the port opens, so after a
     * rotation it would name the old CA only, and a client that picks its certificate by the list
     * (the JDK does) would send none. An agent has one certificate; it offers it whatever the list.
     */
    public X509ExtendedTrustManager trustManager() {
        return new NamingNoCa(trust);
    }

    private static final class NamingNoCa extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager verifier;

        NamingNoCa(X509ExtendedTrustManager verifier) {
            this.verifier = verifier;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            verifier.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            verifier.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            verifier.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("the hub never verifies server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("the hub never verifies server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("the hub never verifies server certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
