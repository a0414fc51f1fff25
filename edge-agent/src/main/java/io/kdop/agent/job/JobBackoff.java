package io.kdop.agent.job;

import java.time.Duration;

/**
 * The wait between a job's failed attempt and its next one: {@code base * 2^(n-1)} after the n-th
 * failure, capped at {@code max} (the agent's --job-backoff and --job-backoff-max).
 */
public record JobBackoff(Duration base, Duration max) {

    /** Kubernetes' Job backoff: 10 s, doubling, at most 6 min. */
    public static final JobBackoff DEFAULT = new JobBackoff(Duration.ofSeconds(10), Duration.ofMinutes(6));

    public JobBackoff {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("the job backoff must be more than 0");
        }
        if (max.compareTo(base) < 0) {
            max = base; // as AgentConfig treats --max-backoff: the cap never undercuts the first wait
        }
    }

    /** The wait after the {@code failedAttempts}-th failed attempt (1 for the first). */
    public Duration after(int failedAttempts) {
        int doublings = Math.clamp(failedAttempts - 1L, 0, 40);
        // compare before multiplying: base * 2^40 overflows Duration for large bases
        if (doublings >= 40 || base.toNanos() > max.toNanos() >> doublings) {
            return max;
        }
        Duration d = base.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }
}
