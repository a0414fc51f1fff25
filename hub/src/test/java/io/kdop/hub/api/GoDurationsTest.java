package io.kdop.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationsTest {

    @Test
    void parsesGoDurations() {
        assertThat(GoDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aLeadingSignCountsAsInGo() {
        // fabric8's parser drops the sign: "-1s" was one second
        assertThat(GoDurations.parse("-1s")).isEqualTo(Duration.ofSeconds(-1));
        assertThat(GoDurations.parse("+1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(GoDurations.parse("-0s")).isZero();
    }

    @Test
    void refusesWhatIsNoDuration() {
        for (String text : new String[] {"--1s", "+-1s", "-", "1e3s", "", "soon"}) {
            assertThatThrownBy(() -> GoDurations.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + text + "' is not a duration such as 30s, 90m or 24h");
        }
        assertThatThrownBy(() -> GoDurations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
