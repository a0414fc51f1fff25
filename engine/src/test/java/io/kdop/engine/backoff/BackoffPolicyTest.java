package io.kdop.engine.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one backoff record: the policies its four uses take from it. */
class BackoffPolicyTest {

    @Test
    void failedWorkloadsWaitFiveSecondsDoublingToFiveMinutes() {
        assertThat(Backoff.FAILURES.after(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Backoff.FAILURES.after(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Backoff.FAILURES.after(6)).isEqualTo(Duration.ofSeconds(160));
        assertThat(Backoff.FAILURES.after(7)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Backoff.FAILURES.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theEventStreamIsFollowedAgainWithinSecondsAndStartsOverAfterAStreamThatLived() {
        Backoff.Sequence pauses = Backoff.EVENT_STREAM.sequence();
        assertThat(new Duration[] {pauses.next(), pauses.next(), pauses.next(), pauses.next(), pauses.next(),
                pauses.next()}).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
        pauses.reset();
        assertThat(pauses.next()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aSequenceWithoutJitterWaitsExactlyTheCeiling() {
        Backoff.Sequence waits = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(3)).sequence();
        assertThat(waits.ceiling()).isEqualTo(Duration.ofSeconds(1));
        assertThat(waits.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(waits.ceiling()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aLongRunOfFailuresStaysAtTheCap() {
        Backoff.Sequence waits = new Backoff(Duration.ofMillis(1), Duration.ofHours(1)).sequence();
        for (int i = 0; i < 10_000; i++) {
            waits.next();
        }
        assertThat(waits.next()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void jitterDrawsBetweenZeroAndTheCeiling() {
        Random random = new Random(7);
        for (int n = 1; n < 12; n++) {
            assertThat(Backoff.JOBS.jittered(n, random)).isBetween(Duration.ZERO, Backoff.JOBS.after(n));
        }
    }

    @Test
    void aCapBelowTheFirstWaitIsTheFirstWaitAndNoWaitIsRefused() {
        assertThat(new Backoff(Duration.ofMinutes(1), Duration.ofSeconds(1)).after(3)).isEqualTo(Duration.ofMinutes(1));
        assertThat(new Backoff(Duration.ofMinutes(1), null).max()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first wait above 0");
    }
}
