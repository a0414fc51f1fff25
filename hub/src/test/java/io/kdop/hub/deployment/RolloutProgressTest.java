package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolloutProgressTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aRolloutWithoutProgressPastTheDeadlineIsReportedWithTheReason() {
        RolloutProgress.Counts stuck = new RolloutProgress.Counts("r2", 5, 2, 3, 3);
        RolloutProgress.Progress during = RolloutProgress.progressing(new RolloutProgress.Input(
                Optional.of(stuck), Optional.of(T0), stuck, 4, 3, DEADLINE, "d-r2-0 on a: Unhealthy", T0.plusSeconds(30)));
        assertThat(during.verdict().reason()).isEqualTo(RolloutProgress.UPDATED);
        assertThat(during.lastProgress()).isEqualTo(T0);

        RolloutProgress.Progress late = RolloutProgress.progressing(new RolloutProgress.Input(
                Optional.of(stuck), Optional.of(T0), stuck, 4, 3, DEADLINE, "d-r2-0 on a: Unhealthy", T0.plusSeconds(61)));
        assertThat(late.verdict().status()).isFalse();
        assertThat(late.verdict().reason()).isEqualTo(RolloutProgress.DEADLINE_EXCEEDED);
        assertThat(late.verdict().message()).contains("revision r2 made no progress for 60s", "2 of 4 replicas updated",
                "d-r2-0 on a: Unhealthy");
    }

    @Test
    void progressMovesTheClockAndACompleteRolloutSaysSo() {
        RolloutProgress.Counts before = new RolloutProgress.Counts("r2", 5, 2, 3, 3);
        RolloutProgress.Counts more = new RolloutProgress.Counts("r2", 5, 3, 4, 4);
        RolloutProgress.Progress p = RolloutProgress.progressing(new RolloutProgress.Input(Optional.of(before),
                Optional.of(T0), more, 4, 3, DEADLINE, "", T0.plusSeconds(100)));
        assertThat(p.lastProgress()).isEqualTo(T0.plusSeconds(100));
        assertThat(p.verdict().reason()).isEqualTo(RolloutProgress.UPDATED);

        RolloutProgress.Counts done = new RolloutProgress.Counts("r2", 4, 4, 4, 4);
        assertThat(RolloutProgress.progressing(new RolloutProgress.Input(Optional.of(done), Optional.of(T0), done, 4, 3,
                DEADLINE, "", T0.plusSeconds(1000))).verdict().reason()).as("complete is never late")
                .isEqualTo(RolloutProgress.COMPLETE);
    }

    @Test
    void availableFollowsTheMinimum() {
        assertThat(RolloutProgress.available(new RolloutProgress.Counts("r", 4, 4, 3, 3), 4, 3).reason())
                .isEqualTo(RolloutProgress.MINIMUM_AVAILABLE);
        assertThat(RolloutProgress.available(new RolloutProgress.Counts("r", 4, 4, 2, 2), 4, 3).reason())
                .isEqualTo(RolloutProgress.MINIMUM_UNAVAILABLE);
    }
}
