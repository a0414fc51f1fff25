package io.kdop.proto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a CA certificate's SubjectPublicKeyInfo, as kubeadm pins its CA: stable across
 * re-issuing the CA certificate with the same key, and short enough to paste.
 */
public record CaPin(String hex) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public CaPin {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("the CA hash must be 64 lowercase hex digits");
        }
    }

    public static CaPin ofHex(String hex) {
        return new CaPin(hex == null ? null : hex.toLowerCase(java.util.Locale.ROOT));
    }

    public static CaPin of(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return new CaPin(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public static CaPin of(X509Certificate caCertificate) {
        return of(caCertificate.getPublicKey());
    }

    public boolean matches(X509Certificate certificate) {
        return MessageDigest.isEqual(hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                of(certificate).hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
