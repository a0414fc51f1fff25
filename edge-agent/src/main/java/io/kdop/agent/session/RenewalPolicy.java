package io.kdop.agent.session;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * When to ask for a new client certificate: once the given fraction of its validity has elapsed,
 * which leaves a third of a short-lived certificate's life to reach the hub and retry.
 */
public record RenewalPolicy(double fraction) {

    public static final RenewalPolicy DEFAULT = new RenewalPolicy(2.0 / 3.0);

    public RenewalPolicy {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1)");
        }
    }

    public Instant renewAt(Instant notBefore, Instant notAfter) {
        long lifetimeMillis = Math.max(0, Duration.between(notBefore, notAfter).toMillis());
        return notBefore.plusMillis((long) (lifetimeMillis * fraction));
    }

    public boolean due(Instant notBefore, Instant notAfter, Instant now) {
        return !now.isBefore(renewAt(notBefore, notAfter));
    }

    public boolean due(X509Certificate certificate, Instant now) {
        return due(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), now);
    }
}
