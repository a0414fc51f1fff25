package io.kdop.engine.backoff;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The one backoff policy of kdop's retries: the wait after the n-th failure in a row is
 * {@code base * 2^(n-1)}, at most {@code max}; with jitter, a uniform draw in [0, that], so a fleet
 * that failed at the same moment does not come back in lockstep. A max below the base is the base:
 * the cap never undercuts the first wait.
 */
public record Backoff(Duration base, Duration max) {

    /** Kubernetes' Job backoff between a job's failed attempts: 10 s, doubling, at most 6 min. */
    public static final Backoff JOBS = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(6));
    /** A workload's failed Docker action (pull, create, start): 5 s, doubling, at most 5 min. */
    public static final Backoff FAILURES = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));
    /**
     * Re-opening Docker's event stream: a local daemon that is back should be followed again within
     * seconds, and a failed try costs nothing.
     */
    public static final Backoff EVENT_STREAM = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));

    /** Doublings past this reach any cap a Duration can hold. */
    private static final int MAX_DOUBLINGS = 40;

    public Backoff {
        if (base == null || base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("a backoff needs a first wait above 0, not " + base);
        }
        if (max == null || max.compareTo(base) < 0) {
            max = base;
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration after(int failures) {
        int doublings = Math.clamp(failures - 1L, 0, MAX_DOUBLINGS);
        // compare before multiplying: base * 2^40 overflows Duration for large bases
        if (doublings >= MAX_DOUBLINGS || base.toNanos() > max.toNanos() >> doublings) {
            return max;
        }
        Duration d = base.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    /** A wait drawn uniformly in [0, {@link #after(int) after(failures)}], in milliseconds. */
    public Duration jittered(int failures, RandomGenerator random) {
        return Duration.ofMillis(random.nextLong(after(failures).toMillis() + 1));
    }

    /** A run of retries under this policy, without jitter. */
    public Sequence sequence() {
        return new Sequence(this, null);
    }

    /** A run of retries under this policy, each wait drawn from {@code random}. */
    public Sequence jittered(RandomGenerator random) {
        return new Sequence(this, random);
    }

    /** The waits of one run of retries: each {@link #next()} is the next failure's; {@link #reset()} starts over. */
    public static final class Sequence {

        private final Backoff policy;
        private final RandomGenerator random;
        private int failures;

        private Sequence(Backoff policy, RandomGenerator random) {
            this.policy = policy;
            this.random = random;
        }

        /** The upper bound of the next wait. */
        public Duration ceiling() {
            return policy.after(failures + 1);
        }

        /** The next wait; the one after is up to twice as long, up to the cap. */
        public Duration next() {
            Duration wait = random == null ? policy.after(failures + 1) : policy.jittered(failures + 1, random);
            failures = Math.min(failures + 1, MAX_DOUBLINGS + 1);
            return wait;
        }

        /** Back to the first wait, after something that worked. */
        public void reset() {
            failures = 0;
        }
    }
}
