package io.kdop.agent.identity;

import io.kdop.proto.CaPin;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the hub during a join only if its chain contains a CA certificate whose key matches the
 * hash pinned in the join token, and the server certificate validates against that CA alone
 * (including the host name check). Why a handshake was refused is remembered, so the agent can
 * exit with a line that says what to fix. One instance per connection attempt.
 */
public final class PinnedCaTrustManager extends X509ExtendedTrustManager {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final CaPin pin;
    private volatile UntrustedHub rejection;

    public PinnedCaTrustManager(CaPin pin) {
        this.pin = pin;
    }

    public CaPin pin() {
        return pin;
    }

    /** Why the hub's certificate was refused, once a handshake failed on it. */
    public Optional<UntrustedHub> rejection() {
        return Optional.ofNullable(rejection);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        X509ExtendedTrustManager anchor = verifiedChain(chain, authType);
        try {
            anchor.checkServerTrusted(chain, authType, engine); // adds the host name check grpc asks for
        } catch (CertificateException e) {
            rejection = new UntrustedHub.NameMismatch(names(chain[0]));
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        X509ExtendedTrustManager anchor = verifiedChain(chain, authType);
        try {
            anchor.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            rejection = new UntrustedHub.NameMismatch(names(chain[0]));
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifiedChain(chain, authType);
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

    /**
     * Finds the pinned CA in the chain and validates the chain against it alone, without the host
     * name check, so that a failure of the name check afterwards is known to be only that.
     */
    private X509ExtendedTrustManager verifiedChain(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the hub presented no certificate");
        }
        X509Certificate pinnedCa = null;
        for (X509Certificate certificate : chain) {
            if (pin.matches(certificate)) {
                pinnedCa = certificate;
                break;
            }
        }
        if (pinnedCa == null) {
            // the last certificate of a chain is the one closest to the root: the hub's CA, unless
            // the hub sent its server certificate alone
            X509Certificate last = chain[chain.length - 1];
            UntrustedHub.PinMismatch mismatch = new UntrustedHub.PinMismatch(pin, CaPin.of(last), chain.length == 1,
                    last.getSubjectX500Principal().getName());
            rejection = mismatch;
            throw new CertificateException(mismatch.describe());
        }
        X509ExtendedTrustManager anchor = TrustAnchors.trusting(List.of(pinnedCa));
        try {
            anchor.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            rejection = new UntrustedHub.ChainInvalid(pin, e.getMessage());
            throw e;
        }
        return anchor;
    }

    /** The DNS and IP names of a server certificate, or its CN when it has none (as the JDK checks). */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && (Integer.valueOf(SAN_DNS).equals(san.get(0))
                            || Integer.valueOf(SAN_IP).equals(san.get(0)))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the CN below
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                // no name at all: the list stays empty
            }
        }
        return names;
    }
}
