package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JoinThrottleTest {

    @Test
    void aFleetBehindOneAddressJoinsASecondsWorthAtOnceThenWaits() {
        JoinThrottle throttle = new JoinThrottle(50);

        for (int i = 0; i < 50; i++) {
            assertThat(throttle.admit("192.0.2.1")).as("join %d of the burst", i).isTrue();
        }
        // refilled at 50 per second: a few may have come back while the loop ran, never many
        int more = 0;
        while (throttle.admit("192.0.2.1")) {
            more++;
        }
        assertThat(more).isLessThan(25);
        assertThat(throttle.admit("192.0.2.2")).as("another address has its own allowance").isTrue();
    }

    @Test
    void aRateThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new JoinThrottle(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
