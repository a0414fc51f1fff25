package io.kdop.hub.session;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.CaPin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one certificate renewal per agent identity per spacing. An agent renews at two thirds
 * of its certificate's life; asking much more often is a fault or an attack on the CA's signing
 * time, and a new stream must not reset the count.
 */
public final class RenewalLimiter {

    private final Map<Key, Instant> lastGranted = new ConcurrentHashMap<>();
    private final Duration spacing;
    private final Clock clock;

    public RenewalLimiter(Duration spacing, Clock clock) {
        this.spacing = spacing;
        this.clock = clock;
    }

    /** Whose allowance: an identity under one signing CA. */
    private record Key(AgentIdentity identity, CaPin signer) {}

    /**
     * True, and counted, when the identity may renew now.
     *
     * @param signer the CA that signs now: once another one does (a CA rotation), the hub asks
     *     every agent to renew, which must not count against the renewal just before
     */
    public boolean tryAcquire(AgentIdentity identity, CaPin signer) {
        Instant now = clock.instant();
        boolean[] granted = {false};
        lastGranted.compute(new Key(identity, signer), (id, last) -> {
            if (last != null && last.isAfter(now.minus(spacing))) {
                return last;
            }
            granted[0] = true;
            return now;
        });
        // Entries older than the spacing say nothing any more; dropping them keeps the map small.
        lastGranted.values().removeIf(last -> !last.isAfter(now.minus(spacing)));
        return granted[0];
    }
}
