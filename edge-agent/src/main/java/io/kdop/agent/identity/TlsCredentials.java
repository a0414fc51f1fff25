package io.kdop.agent.identity;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;

/** grpc channel credentials for the two kinds of connection the agent makes. */
public final class TlsCredentials {

    private TlsCredentials() {}

    /** Join: no client certificate, the hub trusted only through the pinned CA. */
    public static ChannelCredentials forJoin(PinnedCaTrustManager trustManager) {
        return TlsChannelCredentials.newBuilder().trustManager(trustManager).build();
    }

    /**
     * Session: mutual TLS with the stored key and certificate, trusting only the stored CA. Fixed
     * for the channel's life: a renewed certificate needs a new channel, because TLS session
     * resumption would otherwise keep presenting the old certificate on the next connection.
     */
    public static ChannelCredentials forSession(StoredIdentity identity) {
        try {
            char[] password = new char[0]; // in memory only; PKCS12 just wants one
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("kdop-agent", identity.key(), password, new X509Certificate[] {identity.certificate()});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            return TlsChannelCredentials.newBuilder()
                    .keyManager(keys.getKeyManagers())
                    .trustManager(TrustAnchors.trusting(identity.caCertificates()))
                    .build();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot load the stored key and certificate", e);
        }
    }
}
