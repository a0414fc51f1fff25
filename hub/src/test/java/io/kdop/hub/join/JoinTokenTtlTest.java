package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JoinTokenTtlTest {

    private static final Duration DEFAULT = Duration.ofHours(24);

    @Test
    void noTtlInTheSpecMeansTheDefault() {
        assertThat(JoinTokenTtl.of(null, DEFAULT)).isEqualTo(DEFAULT);
        assertThat(JoinTokenTtl.of(" ", DEFAULT)).isEqualTo(DEFAULT);
    }

    @Test
    void upToSevenDaysIsGranted() {
        assertThat(JoinTokenTtl.of("90m", DEFAULT)).isEqualTo(Duration.ofMinutes(90));
        assertThat(JoinTokenTtl.of("168h", DEFAULT)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void longerThanSevenDaysIsRefusedSayingTheMaximumAndWhatToDoInstead() {
        assertThatThrownBy(() -> JoinTokenTtl.of("168h1s", DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'168h1s', longer than the maximum of 168h (7 days)")
                .hasMessageContaining("kdop.io.vn/token-request");
        assertThatThrownBy(() -> JoinTokenTtl.of("8760h", DEFAULT)).hasMessageContaining("maximum of 168h");
    }

    @Test
    void zeroAndUnparseableTtlsAreRefused() {
        assertThatThrownBy(() -> JoinTokenTtl.of("0s", DEFAULT)).hasMessageContaining("must be positive, got '0s'");
        assertThatThrownBy(() -> JoinTokenTtl.of("a week", DEFAULT)).hasMessageContaining("is not a duration");
    }
}
