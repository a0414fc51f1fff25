package io.kdop.agent.identity;

import io.kdop.proto.CaPin;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the hub during a join only if its chain contains a CA certificate whose key matches the
 * hash pinned in the join token, and the server certificate validates against that CA alone
 * (including the host name check). A mismatch is remembered so the agent can name both hashes.
 */
public final class PinnedCaTrustManager extends X509ExtendedTrustManager {

    private final CaPin pin;
    private volatile CaPin presented;

    public PinnedCaTrustManager(CaPin pin) {
        this.pin = pin;
    }

    public CaPin pin() {
        return pin;
    }

    /** The CA pin the hub presented instead of the pinned one, once a handshake failed on it. */
    public Optional<CaPin> mismatch() {
        return Optional.ofNullable(presented);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pinnedCa(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pinnedCa(chain).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pinnedCa(chain).checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the agent never accepts client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the agent never accepts client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent never accepts client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** A JDK trust manager with the pinned CA from the chain as its only anchor. */
    private X509ExtendedTrustManager pinnedCa(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the hub presented no certificate");
        }
        for (X509Certificate certificate : chain) {
            if (pin.matches(certificate)) {
                return TrustAnchors.trusting(List.of(certificate));
            }
        }
        // the last certificate of a chain is the one closest to the root: the hub's CA
        presented = CaPin.of(chain[chain.length - 1]);
        throw new CertificateException("the hub's CA " + presented + " does not match the pinned " + pin);
    }
}
