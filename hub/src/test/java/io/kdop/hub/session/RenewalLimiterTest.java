package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.testing.SettableClock;
import io.kdop.proto.CaPin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RenewalLimiterTest {

    private static final AgentIdentity EDGE_1 = new AgentIdentity("edge", "edge-1", "uid-1", "gen00001");
    private static final AgentIdentity EDGE_2 = new AgentIdentity("edge", "edge-2", "uid-2", "gen00001");
    private static final CaPin CA_1 = CaPin.ofHex("1".repeat(64));
    private static final CaPin CA_2 = CaPin.ofHex("2".repeat(64));
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void oneRenewalPerIdentityPerSpacingWhateverTheStream() {
        RenewalLimiter limiter = new RenewalLimiter(Duration.ofMinutes(15), Clock.fixed(T0, ZoneOffset.UTC));

        assertThat(limiter.tryAcquire(EDGE_1, CA_1)).isTrue();
        // a reconnect is a new stream, not a new allowance
        assertThat(limiter.tryAcquire(EDGE_1, CA_1)).isFalse();
        assertThat(limiter.tryAcquire(EDGE_2, CA_1)).as("another host has its own allowance").isTrue();
        // a CA rotation's promote: the hub asks every agent to renew with the new CA at once
        assertThat(limiter.tryAcquire(EDGE_1, CA_2)).as("another signing CA, another allowance").isTrue();
    }

    @Test
    void theAllowanceComesBackAfterTheSpacing() {
        SettableClock clock = new SettableClock(T0);
        RenewalLimiter limiter = new RenewalLimiter(Duration.ofMinutes(15), clock);
        assertThat(limiter.tryAcquire(EDGE_1, CA_1)).isTrue();

        clock.advance(Duration.ofMinutes(14));
        assertThat(limiter.tryAcquire(EDGE_1, CA_1)).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.tryAcquire(EDGE_1, CA_1)).isTrue();
    }
}
