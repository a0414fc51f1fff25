package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JoinAdmissionTest {

    private static final JoinAdmission ADMISSION =
            new JoinAdmission(8, 1000, Duration.ofSeconds(5), Duration.ofSeconds(30));
    private static final Duration MEAN = Duration.ofMillis(100);
    private static final Optional<Duration> AGENT_DEADLINE = Optional.of(Duration.ofSeconds(30));

    @Test
    void aJoinWaitsWhileItsTurnComesWellBeforeItsDeadline() {
        // 8 workers at 100 ms a join: 1000 ahead are 12.5 s of work, half of the 30 s deadline less the margin
        assertThat(ADMISSION.decide(0, MEAN, AGENT_DEADLINE)).isEmpty();
        assertThat(ADMISSION.decide(999, MEAN, AGENT_DEADLINE)).isEmpty();
    }

    @Test
    void aJoinThatWouldWaitPastItsDeadlineIsToldWhenTheBacklogHasRoom() {
        JoinAdmission small = new JoinAdmission(8, 10_000, Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(small.decide(1000, MEAN, AGENT_DEADLINE)).as("12.5 s of work ahead: half of 30 s less 5").isEmpty();
        // 4000 ahead: 50 s of work, 37.5 s of it beyond what this caller is let wait
        assertThat(small.decide(4000, MEAN, AGENT_DEADLINE)).contains(Duration.ofMillis(37_500));
        assertThat(small.decide(1005, MEAN, AGENT_DEADLINE)).as("never sooner than a second")
                .contains(JoinAdmission.MIN_RETRY);
    }

    @Test
    void aShortDeadlineStillGetsAQuarterOfIt() {
        // 4 s left: the margin would leave nothing, a quarter of it is 1 s = 80 joins ahead
        assertThat(ADMISSION.decide(80, MEAN, Optional.of(Duration.ofSeconds(4)))).isEmpty();
        assertThat(ADMISSION.decide(400, MEAN, Optional.of(Duration.ofSeconds(4)))).contains(Duration.ofSeconds(4));
    }

    @Test
    void theQueueHasABoundWhateverTheDeadlines() {
        assertThat(ADMISSION.decide(1000, Duration.ofMillis(1), Optional.of(Duration.ofHours(1)))).isPresent();
        assertThat(ADMISSION.decide(999, Duration.ofMillis(1), Optional.empty())).isEmpty();
    }

    @Test
    void aJoinThatWaitedIsRunOnlyIfItsCallerCanStillTakeTheAnswer() {
        assertThat(ADMISSION.stillInTime(MEAN, Optional.of(Duration.ofSeconds(1)))).isTrue();
        assertThat(ADMISSION.stillInTime(MEAN, Optional.of(Duration.ofMillis(350)))).isFalse();
        assertThat(ADMISSION.stillInTime(MEAN, Optional.empty())).isTrue();
        assertThat(ADMISSION.drainTime(800, MEAN)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ADMISSION.drainTime(0, MEAN)).isEqualTo(JoinAdmission.MIN_RETRY);
    }
}
