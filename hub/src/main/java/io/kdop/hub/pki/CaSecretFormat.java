package io.kdop.hub.pki;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link CaSet} is kept in the data of the CA Secret: {@code tls.crt} and {@code tls.key}
 * hold the signing CA (as in every version of the hub, so a Secret from before rotations existed
 * reads as one CA); {@code next.crt} and {@code next.key} the next CA while a rotation is added;
 * {@code previous.crt} the old CA while it is promoted (no key: it never signs again);
 * {@code retired.crt} the retired CAs' certificates. Values are base64, as in any Secret.
 */
final class CaSecretFormat {

    static final String SIGNING_CERT = "tls.crt";
    static final String SIGNING_KEY = "tls.key";
    static final String NEXT_CERT = "next.crt";
    static final String NEXT_KEY = "next.key";
    static final String PREVIOUS_CERT = "previous.crt";
    static final String RETIRED_CERTS = "retired.crt";

    private CaSecretFormat() {}

    /**
     * @param where names the Secret in messages
     * @throws IllegalStateException naming the key that is missing or unreadable
     */
    static CaSet read(Map<String, String> data, SecureRandom random, String where) {
        if (data == null || !data.containsKey(SIGNING_CERT) || !data.containsKey(SIGNING_KEY)) {
            throw new IllegalStateException("Secret " + where + " exists but lacks tls.crt or tls.key; delete it to "
                    + "let the hub create a new CA (every agent then has to join again)");
        }
        try {
            CertificateAuthority signing = authority(data, SIGNING_CERT, SIGNING_KEY, random);
            Optional<CertificateAuthority> next = data.containsKey(NEXT_CERT)
                    ? Optional.of(authority(data, NEXT_CERT, NEXT_KEY, random)) : Optional.empty();
            Optional<java.security.cert.X509Certificate> previous = Optional.ofNullable(data.get(PREVIOUS_CERT))
                    .map(v -> Pem.certificate(decode(v)));
            List<java.security.cert.X509Certificate> retired = Optional.ofNullable(data.get(RETIRED_CERTS))
                    .map(v -> Pem.certificates(decode(v))).orElse(List.of());
            return new CaSet(signing, next, previous, retired);
        } catch (IllegalArgumentException e) {
            // the message names what is wrong, never the key material
            throw new IllegalStateException("Secret " + where + " holds an unusable CA: " + e.getMessage());
        }
    }

    /** The data keys of the set, replacing every CA key of {@code data}; other keys are kept. */
    static Map<String, String> write(CaSet cas, Map<String, String> data) {
        Map<String, String> out = new HashMap<>(data == null ? Map.of() : data);
        List.of(NEXT_CERT, NEXT_KEY, PREVIOUS_CERT, RETIRED_CERTS).forEach(out::remove);
        out.put(SIGNING_CERT, encode(cas.signing().certificatePem()));
        out.put(SIGNING_KEY, encode(Pem.encode(cas.signing().key())));
        cas.next().ifPresent(next -> {
            out.put(NEXT_CERT, encode(next.certificatePem()));
            out.put(NEXT_KEY, encode(Pem.encode(next.key())));
        });
        cas.previous().ifPresent(previous -> out.put(PREVIOUS_CERT, encode(Pem.encode(previous))));
        if (!cas.retired().isEmpty()) {
            StringBuilder pem = new StringBuilder();
            cas.retired().forEach(ca -> pem.append(Pem.encode(ca)));
            out.put(RETIRED_CERTS, encode(pem.toString()));
        }
        return out;
    }

    private static CertificateAuthority authority(Map<String, String> data, String cert, String key,
            SecureRandom random) {
        if (!data.containsKey(key)) {
            throw new IllegalArgumentException(cert + " without " + key);
        }
        return new CertificateAuthority(Pem.certificate(decode(data.get(cert))), Pem.privateKey(decode(data.get(key))),
                random);
    }

    static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }
}
