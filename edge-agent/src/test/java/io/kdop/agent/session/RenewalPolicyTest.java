package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {

    private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofHours(24));
    private final RenewalPolicy policy = RenewalPolicy.DEFAULT;

    @Test
    void renewsOnceTwoThirdsOfTheLifetimeElapsed() {
        assertThat(policy.renewAt(NOT_BEFORE, NOT_AFTER)).isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)));
        assertThat(policy.due(NOT_BEFORE, NOT_AFTER, NOT_BEFORE.plus(Duration.ofHours(1)))).isFalse();
        assertThat(policy.due(NOT_BEFORE, NOT_AFTER, NOT_BEFORE.plus(Duration.ofHours(16)).minusSeconds(1))).isFalse();
        assertThat(policy.due(NOT_BEFORE, NOT_AFTER, NOT_BEFORE.plus(Duration.ofHours(16)))).isTrue();
    }

    @Test
    void renewsImmediatelyWhenLessRemainsOrItExpired() {
        assertThat(policy.due(NOT_BEFORE, NOT_AFTER, NOT_AFTER.minusSeconds(60))).isTrue();
        assertThat(policy.due(NOT_BEFORE, NOT_AFTER, NOT_AFTER.plusSeconds(60))).isTrue();
    }

    @Test
    void doesNotRenewACertificateFromTheFuture() {
        // a clock behind the hub's: the certificate is not valid yet, renewing would not help
        assertThat(policy.due(NOT_BEFORE, NOT_AFTER, NOT_BEFORE.minusSeconds(30))).isFalse();
    }
}
