package io.kdop.engine.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** Always draws the top of the range, so the delay equals the ceiling. */
    private static final RandomGenerator MAX = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void doublesUpToTheCap() {
        Backoff.Sequence backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5)).jittered(MAX);
        assertThat(delays(backoff, 7)).containsExactly(500L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L);
    }

    @Test
    void jittersWithinZeroAndTheCeiling() {
        Backoff.Sequence backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)).jittered(new Random(42));
        long ceiling = 500;
        boolean belowCeiling = false;
        for (int i = 0; i < 200; i++) {
            long delay = backoff.next().toMillis();
            assertThat(delay).isBetween(0L, ceiling);
            belowCeiling |= delay < ceiling;
            ceiling = Math.min(30_000, ceiling * 2);
        }
        assertThat(belowCeiling).as("full jitter, not a fixed delay").isTrue();
    }

    @Test
    void resetStartsOver() {
        Backoff.Sequence backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)).jittered(MAX);
        delays(backoff, 5);
        assertThat(backoff.ceiling()).isEqualTo(Duration.ofSeconds(16));
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
    }

    private static Long[] delays(Backoff.Sequence backoff, int n) {
        Long[] delays = new Long[n];
        for (int i = 0; i < n; i++) {
            delays[i] = backoff.next().toMillis();
        }
        return delays;
    }
}
