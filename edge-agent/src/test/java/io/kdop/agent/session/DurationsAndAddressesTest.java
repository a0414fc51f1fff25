package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsAndAddressesTest {

    @Test
    void parsesCommandLineDurations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("30")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("0s")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.format(Duration.ofMillis(20))).isEqualTo("20ms");
    }

    @Test
    void parsesHubAddresses() {
        assertThat(HubAddress.parse("hub.example:30000")).isEqualTo(new HubAddress("hub.example", 30000));
        assertThat(HubAddress.parse("[::1]:443")).isEqualTo(new HubAddress("::1", 443));
        assertThat(HubAddress.parse("[::1]:443").toString()).isEqualTo("[::1]:443");
        assertThatThrownBy(() -> HubAddress.parse("hub.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HubAddress.parse("::1:443")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HubAddress.parse("hub:99999")).isInstanceOf(IllegalArgumentException.class);
    }
}
