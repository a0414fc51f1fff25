package io.kdop.agent.session;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the n-th delay is uniform in
 * [0, min(max, initial * 2^n)], so a fleet of agents that lost the hub at the same moment does not
 * come back in lockstep.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private long ceilingMillis;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
        this.ceilingMillis = initialMillis;
    }

    /** The upper bound of the next delay. */
    public Duration ceiling() {
        return Duration.ofMillis(ceilingMillis);
    }

    /** The next delay; doubles the ceiling for the one after, up to the cap. */
    public Duration next() {
        long delay = random.nextLong(ceilingMillis + 1);
        ceilingMillis = Math.min(maxMillis, ceilingMillis * 2);
        return Duration.ofMillis(delay);
    }

    /** Back to the initial ceiling, after a connection that worked. */
    public void reset() {
        ceilingMillis = initialMillis;
    }
}
