package io.kdop.agent.identity;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager restricted to the given CA certificates. Delegating to it keeps the
 * JDK's chain validation and its endpoint (host name) identification, which runs when the TLS
 * engine asks for it, as grpc does.
 */
public final class TrustAnchors {

    private TrustAnchors() {}

    public static X509ExtendedTrustManager trusting(Collection<X509Certificate> caCertificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : caCertificates) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK has no X509ExtendedTrustManager for PKIX");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust manager for the hub's CA", e);
        }
    }
}
