package io.kdop.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WallClockWatchTest {

    private final SettableClock wall = new SettableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final AtomicLong monotonic = new AtomicLong(1_000);
    private final WallClockWatch watch = new WallClockWatch(wall, monotonic::get);

    @Test
    void timePassingIsNoJumpButNtpCorrectingAStaleClockIs() {
        assertThat(watch.jumped()).as("the first look has nothing to compare").isEmpty();
        advanceBoth(Duration.ofSeconds(40));
        assertThat(watch.jumped()).isEmpty();

        // NTP: the wall clock moves from 2024 to 2026 while 5 s pass
        monotonic.addAndGet(Duration.ofSeconds(5).toNanos());
        wall.set(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(watch.jumped()).hasValueSatisfying(jump -> assertThat(jump)
                .isEqualTo(Duration.between(Instant.parse("2024-01-01T00:00:45Z"), Instant.parse("2026-12-01T08:00:00Z"))));
        advanceBoth(Duration.ofSeconds(1));
        assertThat(watch.jumped()).as("only once").isEmpty();

        monotonic.addAndGet(Duration.ofSeconds(1).toNanos());
        wall.set(wall.instant().minus(Duration.ofMinutes(10)));
        assertThat(watch.jumped()).hasValueSatisfying(jump -> assertThat(jump).isNegative());
    }

    @Test
    void driftBelowTheThresholdIsNoJump() {
        watch.jumped();
        monotonic.addAndGet(Duration.ofSeconds(30).toNanos());
        wall.set(wall.instant().plusSeconds(50));
        assertThat(watch.jumped()).isEmpty();
    }

    private void advanceBoth(Duration d) {
        monotonic.addAndGet(d.toNanos());
        wall.advance(d);
    }
}
