package io.kdop.engine.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Notices the wall clock jumping: a Raspberry Pi without a real-time clock boots with a stale
 * time and NTP corrects it hours later, or an operator sets the date. Job deadlines and backoffs
 * are instants on the wall clock (they survive agent restarts that way), so after a jump they are
 * shifted by it, and a job is neither killed at once nor left waiting for the jump's length. Time
 * the machine spent suspended looks like a forward jump too: a frozen container did not run then.
 */
final class WallClockWatch {

    /** Below this, drift and a slow pass are not a jump. */
    static final Duration THRESHOLD = Duration.ofSeconds(30);

    private final Clock clock;
    private final LongSupplier monotonicNanos;
    private Instant lastWall;
    private long lastMonotonic;

    WallClockWatch(Clock clock, LongSupplier monotonicNanos) {
        this.clock = clock;
        this.monotonicNanos = monotonicNanos;
    }

    /** How far the wall clock jumped since the last call, if it did by more than {@link #THRESHOLD}. */
    synchronized Optional<Duration> jumped() {
        Instant wall = clock.instant();
        long monotonic = monotonicNanos.getAsLong();
        Optional<Duration> jump = Optional.empty();
        if (lastWall != null) {
            Duration expected = Duration.ofNanos(monotonic - lastMonotonic);
            Duration off = Duration.between(lastWall.plus(expected), wall);
            if (off.abs().compareTo(THRESHOLD) > 0) {
                jump = Optional.of(off);
            }
        }
        lastWall = wall;
        lastMonotonic = monotonic;
        return jump;
    }
}
