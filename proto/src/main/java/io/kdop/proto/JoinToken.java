package io.kdop.proto;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A join token: the pinned CA hash, a public token id and a secret, in one pasteable string.
 *
 * <p>Format: {@code kdop1.<ca-hash>.<token-id>.<secret>} where the CA hash is the 64 lowercase hex
 * digits of {@link CaPin}, the id is 8 and the secret 32 characters of {@code [a-z0-9]} (about
 * 165 bits). The id lets the hub find the token's record; only a hash of the secret is stored.
 */
public record JoinToken(CaPin caPin, String tokenId, String secret) {

    private static final String PREFIX = "kdop1";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern ID = Pattern.compile("[a-z0-9]{8}");
    private static final Pattern SECRET = Pattern.compile("[a-z0-9]{32}");

    public JoinToken {
        Objects.requireNonNull(caPin, "caPin");
        if (tokenId == null || !ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("token id must be 8 characters of [a-z0-9]");
        }
        if (secret == null || !SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("token secret must be 32 characters of [a-z0-9]");
        }
    }

    /** Whether the text has the shape of a token id (the public half of a token). */
    public static boolean isTokenId(String text) {
        return text != null && ID.matcher(text).matches();
    }

    /** A new token with a random id and secret for the CA with the given pin. */
    public static JoinToken generate(CaPin caPin, SecureRandom random) {
        return new JoinToken(caPin, randomString(random, 8), randomString(random, 32));
    }

    /**
     * Parses a token as printed by {@link #encode()}.
     *
     * @throws IllegalArgumentException with a message that never repeats the input (it may hold a
     *     secret)
     */
    public static JoinToken parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("malformed join token: it is empty");
        }
        String[] parts = text.strip().split("\\.", -1);
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException(
                    "malformed join token: expected kdop1.<ca-hash>.<token-id>.<secret>");
        }
        CaPin pin;
        try {
            pin = CaPin.ofHex(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed join token: " + e.getMessage());
        }
        if (!ID.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("malformed join token: the token id must be 8 characters of [a-z0-9]");
        }
        if (!SECRET.matcher(parts[3]).matches()) {
            throw new IllegalArgumentException("malformed join token: the secret must be 32 characters of [a-z0-9]");
        }
        return new JoinToken(pin, parts[2], parts[3]);
    }

    public String encode() {
        return String.join(".", PREFIX, caPin.hex(), tokenId, secret);
    }

    /** Never prints the secret: tokens end up in log lines and exception messages by accident. */
    @Override
    public String toString() {
        return "JoinToken[id=" + tokenId + ", ca=" + caPin + "]";
    }

    private static String randomString(SecureRandom random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
