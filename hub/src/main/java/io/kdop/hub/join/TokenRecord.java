package io.kdop.hub.join;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.CaPin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What the hub remembers of a join token: the hash of its secret (never the secret), the host it
 * was issued for, when it expires, and when and by which key it was used. {@code version} is the
 * API server's resourceVersion it was read at, so marking it used is a compare-and-set.
 *
 * @param host the host's namespace, name and UID; its generation is this token's id
 * @param caPin the CA the token pins (empty in records of hubs before CA rotations existed)
 */
public record TokenRecord(String tokenId, String secretSha256, AgentIdentity host, Instant expiresAt,
        Optional<Instant> usedAt, Optional<String> usedByKey, String version, Optional<CaPin> caPin) {

    /** A record that does not say which CA its token pins. */
    public TokenRecord(String tokenId, String secretSha256, AgentIdentity host, Instant expiresAt,
            Optional<Instant> usedAt, Optional<String> usedByKey, String version) {
        this(tokenId, secretSha256, host, expiresAt, usedAt, usedByKey, version, Optional.empty());
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Constant-time comparison, so response timing says nothing about how close a guess was. */
    public boolean secretMatches(String presentedSecret) {
        return MessageDigest.isEqual(secretSha256.getBytes(StandardCharsets.US_ASCII),
                hash(presentedSecret).getBytes(StandardCharsets.US_ASCII));
    }

    public TokenRecord markUsed(Instant when, String keyHash) {
        return new TokenRecord(tokenId, secretSha256, host, expiresAt, Optional.of(when), Optional.of(keyHash), version,
                caPin);
    }

    /**
     * Whether the token is unused and pins another CA than the signing one: a CA rotation was
     * promoted since it was issued, so an agent joining with it would refuse the hub.
     */
    public boolean pinsAnotherCaThan(CaPin signing) {
        return usedAt.isEmpty() && caPin.isPresent() && !caPin.get().equals(signing);
    }
}
