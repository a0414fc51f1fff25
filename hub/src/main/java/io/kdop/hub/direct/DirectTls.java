package io.kdop.hub.direct;

import io.kdop.hub.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The mutual-TLS context for a direct host, built in memory from its Secret (ca.pem, cert.pem,
 * key.pem, as Docker's own --tlsverify files): nothing is written to disk, and no message quotes
 * any of the material.
 */
public final class DirectTls {

    public static final String CA = "ca.pem";
    public static final String CERT = "cert.pem";
    public static final String KEY = "key.pem";
    private static final List<String> KEYS = List.of(CA, CERT, KEY);

    private DirectTls() {}

    /** A context to dial with, or why the Secret does not give one. */
    public sealed interface Built {
        /**
         * Trusts only ca.pem and presents cert.pem with key.pem.
         *
         * @param context for the hub's work on the host: TLS 1.3 where the daemon offers it
         * @param probeContext for probes: at most TLS 1.2, where the daemon checks the client's
         *     certificate within the handshake. Under TLS 1.3 it checks it only after the client's
         *     handshake is done, and its refusal may reach the client as a reset of the request
         *     instead of the alert that names the cause (ClientCertificateRefused)
         * @param clientCertificateAsked whether a handshake of either context got as far as the
         *     daemon asking for the client certificate (so a connection dropped later was dropped
         *     over it); each build has its own
         */
        record Ready(SSLContext context, SSLContext probeContext, BooleanSupplier clientCertificateAsked)
                implements Built {}

        /** What is wrong with the Secret, as a condition reason and message. */
        record Invalid(String reason, String message) implements Built {}
    }

    /** @param data the Secret's data; empty when the Secret does not exist */
    public static Built build(String secretRef, Optional<Map<String, byte[]>> data) {
        if (data.isEmpty()) {
            return new Built.Invalid("TLSSecretNotFound", "Secret " + secretRef + " (spec.tlsSecretName) does not "
                    + "exist; create it from Docker's client files: kubectl create secret generic " + name(secretRef)
                    + " --from-file=ca.pem --from-file=cert.pem --from-file=key.pem");
        }
        List<String> missing = KEYS.stream().filter(k -> blank(data.get().get(k))).toList();
        if (!missing.isEmpty()) {
            return new Built.Invalid("TLSSecretMissingKey", "Secret " + secretRef + " (spec.tlsSecretName) has no "
                    + String.join(", no ", missing) + "; it needs ca.pem (the CA that signed the Docker daemon's "
                    + "certificate), cert.pem and key.pem (the client certificate and its key)");
        }
        List<X509Certificate> cas;
        List<X509Certificate> chain;
        PrivateKey key;
        // Bouncy Castle throws more than IllegalArgumentException for garbled PEM (a DecoderException
        // for bad base64, for one): any failure to read is "malformed", and its text is not quoted.
        try {
            cas = Pem.certificates(text(data.get().get(CA)));
        } catch (RuntimeException e) {
            cas = List.of();
        }
        try {
            chain = Pem.certificates(text(data.get().get(CERT)));
        } catch (RuntimeException e) {
            chain = List.of();
        }
        List<String> malformed = new ArrayList<>();
        if (cas.isEmpty()) {
            malformed.add("ca.pem is not a PEM certificate");
        }
        if (chain.isEmpty()) {
            malformed.add("cert.pem is not a PEM certificate");
        }
        try {
            key = Pem.privateKey(text(data.get().get(KEY)));
        } catch (RuntimeException e) {
            key = null; // no detail: the input is key material
            malformed.add("key.pem is not a PEM private key");
        }
        if (!malformed.isEmpty()) {
            return malformed(secretRef, String.join(", ", malformed));
        }
        try {
            AtomicBoolean asked = new AtomicBoolean();
            return new Built.Ready(context(cas, chain, key, "TLS", asked),
                    context(cas, chain, key, "TLSv1.2", asked), asked::get);
        } catch (GeneralSecurityException | java.io.IOException e) {
            // e.g. a key of another algorithm than the certificate's; the exception text is not quoted
            return malformed(secretRef, "cert.pem and key.pem do not make a usable client identity ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static SSLContext context(List<X509Certificate> cas, List<X509Certificate> chain, PrivateKey key,
            String protocol, AtomicBoolean asked) throws GeneralSecurityException, java.io.IOException {
        char[] password = java.util.UUID.randomUUID().toString().toCharArray(); // in memory only
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("client", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, password);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            trusted.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);

        SSLContext context = SSLContext.getInstance(protocol);
        KeyManager[] keyManagers = keys.getKeyManagers();
        if (asked != null) {
            keyManagers = new KeyManager[] {new TellingKeyManager((X509ExtendedKeyManager) keyManagers[0], asked)};
        }
        context.init(keyManagers, trust.getTrustManagers(), null);
        return context;
    }

    /** The client identity, telling when a daemon asks for it (its CertificateRequest came). */
    private static final class TellingKeyManager extends X509ExtendedKeyManager {

        private final X509ExtendedKeyManager keys;
        private final AtomicBoolean asked;

        TellingKeyManager(X509ExtendedKeyManager keys, AtomicBoolean asked) {
            this.keys = keys;
            this.asked = asked;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            asked.set(true);
            return keys.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                javax.net.ssl.SSLEngine engine) {
            asked.set(true);
            return keys.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private static Built.Invalid malformed(String secretRef, String what) {
        return new Built.Invalid("TLSSecretMalformed", "Secret " + secretRef + " (spec.tlsSecretName): " + what
                + "; put Docker's client files there unchanged (PEM text)");
    }

    private static String name(String secretRef) {
        return secretRef.substring(secretRef.indexOf('/') + 1);
    }

    private static boolean blank(byte[] value) {
        return value == null || text(value).isBlank();
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
