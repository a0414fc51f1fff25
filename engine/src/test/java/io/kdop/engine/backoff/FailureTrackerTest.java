package io.kdop.engine.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.plan.Reason;
import io.kdop.engine.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailureTrackerTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void backsOffExponentiallyUpToFiveMinutes() {
        FailureTracker tracker = new FailureTracker(clock);
        Duration[] expected = {Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(80), Duration.ofSeconds(160), Duration.ofMinutes(5), Duration.ofMinutes(5)};
        for (Duration delay : expected) {
            FailureTracker.Failure f = tracker.failed("w", "h1", Reason.ImagePullFailed, "no such image");
            assertThat(f.retryAt()).isEqualTo(clock.instant().plus(delay));
            assertThat(tracker.backingOff("w", "h1")).isTrue();
            assertThat(tracker.nextRetry()).contains(clock.instant().plus(delay));
            clock.advance(delay);
            assertThat(tracker.backingOff("w", "h1")).as("due again").isFalse();
        }
    }

    @Test
    void aNewSpecStartsAfreshAndSuccessForgets() {
        FailureTracker tracker = new FailureTracker(clock);
        tracker.failed("w", "h1", Reason.ImagePullFailed, "x");
        tracker.failed("w", "h1", Reason.ImagePullFailed, "x");
        assertThat(tracker.backingOff("w", "h2")).as("another spec is not held back").isFalse();
        assertThat(tracker.current("w", "h2")).isEmpty();
        assertThat(tracker.failed("w", "h2", Reason.CreateFailed, "y").attempts()).isEqualTo(1);
        tracker.succeeded("w");
        assertThat(tracker.current("w", "h2")).isEmpty();
        assertThat(tracker.nextRetry()).isEmpty();
    }

    @Test
    void othersAreUnaffectedAndUndesiredAreForgotten() {
        FailureTracker tracker = new FailureTracker(clock);
        tracker.failed("bad", "h", Reason.ImagePullFailed, "x");
        assertThat(tracker.backingOff("good", "h")).isFalse();
        tracker.retainOnly(Set.of("good"));
        assertThat(tracker.current("bad", "h")).isEmpty();
    }
}
