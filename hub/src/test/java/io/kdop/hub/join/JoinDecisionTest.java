package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.v1.ErrorReason;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JoinDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final String SECRET = "s".repeat(32);
    private static final AgentIdentity HOST = new AgentIdentity("edge", "edge-1", "uid-1");
    private static final TokenRecord FRESH = new TokenRecord("abcdefgh", TokenRecord.hash(SECRET), HOST,
            NOW.plusSeconds(60), Optional.empty());

    @Test
    void aFreshTokenForAnExistingHostIsAccepted() {
        assertThat(JoinDecision.decide(Optional.of(FRESH), SECRET, Optional.of("uid-1"), NOW))
                .isEqualTo(new JoinDecision.Accept(HOST));
    }

    @Test
    void eachRefusalHasItsOwnReason() {
        assertThat(reason(Optional.empty(), SECRET, Optional.of("uid-1"))).isEqualTo(ErrorReason.TOKEN_UNKNOWN);
        assertThat(reason(Optional.of(FRESH), "x".repeat(32), Optional.of("uid-1"))).isEqualTo(ErrorReason.TOKEN_INVALID);
        assertThat(reason(Optional.of(FRESH.markUsed(NOW.minusSeconds(1))), SECRET, Optional.of("uid-1")))
                .isEqualTo(ErrorReason.TOKEN_USED);
        TokenRecord expired = new TokenRecord("abcdefgh", TokenRecord.hash(SECRET), HOST, NOW, Optional.empty());
        assertThat(reason(Optional.of(expired), SECRET, Optional.of("uid-1"))).isEqualTo(ErrorReason.TOKEN_EXPIRED);
        assertThat(reason(Optional.of(FRESH), SECRET, Optional.empty())).isEqualTo(ErrorReason.HOST_REVOKED);
        assertThat(reason(Optional.of(FRESH), SECRET, Optional.of("uid-2"))).isEqualTo(ErrorReason.HOST_REVOKED);
    }

    @Test
    void withoutTheSecretNothingAboutTheTokenIsRevealed() {
        TokenRecord usedAndExpired = new TokenRecord("abcdefgh", TokenRecord.hash(SECRET), HOST, NOW.minusSeconds(1),
                Optional.of(NOW.minusSeconds(5)));
        assertThat(reason(Optional.of(usedAndExpired), "x".repeat(32), Optional.empty()))
                .isEqualTo(ErrorReason.TOKEN_INVALID);
    }

    @Test
    void refusalMessagesNeverContainTheSecret() {
        for (Optional<String> uid : java.util.List.of(Optional.<String>empty(), Optional.of("uid-1"))) {
            JoinDecision d = JoinDecision.decide(Optional.of(FRESH.markUsed(NOW)), SECRET, uid, NOW);
            assertThat(((JoinDecision.Refuse) d).message()).doesNotContain(SECRET);
        }
    }

    private static ErrorReason reason(Optional<TokenRecord> record, String secret, Optional<String> uid) {
        JoinDecision decision = JoinDecision.decide(record, secret, uid, NOW);
        assertThat(decision).isInstanceOf(JoinDecision.Refuse.class);
        return ((JoinDecision.Refuse) decision).reason();
    }
}
