package io.kdop.hub.join;

import io.kdop.hub.api.GoDurations;
import java.time.Duration;

/**
 * The lifetime of a join token, bounded: a token is a bearer secret that sits in a Secret (and in
 * whatever the user pasted it into) until it is used, so it must not stay valid for long. A longer
 * lifetime is refused rather than clamped, so nobody is surprised by a token that expires earlier
 * than they asked for.
 */
public final class JoinTokenTtl {

    /** The longest a join token may stay valid: 7 days. */
    public static final Duration MAX = Duration.ofDays(7);

    private JoinTokenTtl() {}

    /**
     * The lifetime a DockerHost's {@code spec.joinTokenTTL} asks for, or the default when it asks
     * for none.
     *
     * @throws IllegalArgumentException saying what is wrong with the text (unparseable, not
     *     positive, or longer than {@link #MAX}), without naming the field
     */
    public static Duration of(String specText, Duration defaultTtl) {
        if (specText == null || specText.isBlank()) {
            return defaultTtl;
        }
        Duration ttl = GoDurations.parse(specText.strip());
        check(ttl, "'" + specText.strip() + "'");
        return ttl;
    }

    /**
     * @param shown how to name the value in the message (the text the user wrote)
     * @throws IllegalArgumentException when the lifetime is not positive or longer than {@link #MAX}
     */
    public static void check(Duration ttl, String shown) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("must be positive, got " + shown);
        }
        if (ttl.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("is " + shown + ", longer than the maximum of 168h (7 days): a join "
                    + "token is a bearer secret until it is used; ask for a new token when a host is ready to join "
                    + "instead (kubectl annotate dockerhost NAME kdop.io.vn/token-request=$(date +%s) --overwrite)");
        }
    }
}
