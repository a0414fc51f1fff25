package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.session.RegisteredHost;
import io.kdop.proto.v1.ErrorReason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JoinDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final String SECRET = "s".repeat(32);
    private static final String KEY = "k".repeat(64);
    private static final AgentIdentity HOST = new AgentIdentity("edge", "edge-1", "uid-1", "abcdefgh");
    private static final Optional<RegisteredHost> EXISTS = Optional.of(new RegisteredHost("uid-1", null));
    private static final TokenRecord FRESH = new TokenRecord("abcdefgh", TokenRecord.hash(SECRET), HOST,
            NOW.plusSeconds(60), Optional.empty(), Optional.empty(), "1");

    @Test
    void aFreshTokenForAnExistingHostIsAcceptedAndNamesTheTokenAsTheGeneration() {
        assertThat(JoinDecision.decide(Optional.of(FRESH), SECRET, KEY, EXISTS, NOW))
                .isEqualTo(new JoinDecision.Accept(HOST, false));
        assertThat(HOST.generation()).isEqualTo(FRESH.tokenId());
    }

    @Test
    void eachRefusalHasItsOwnReason() {
        assertThat(reason(Optional.empty(), SECRET, EXISTS)).isEqualTo(ErrorReason.TOKEN_UNKNOWN);
        assertThat(reason(Optional.of(FRESH), "x".repeat(32), EXISTS)).isEqualTo(ErrorReason.TOKEN_INVALID);
        assertThat(reason(Optional.of(FRESH.markUsed(NOW.minusSeconds(1), "other-key")), SECRET, EXISTS))
                .isEqualTo(ErrorReason.TOKEN_USED);
        TokenRecord expired = new TokenRecord("abcdefgh", TokenRecord.hash(SECRET), HOST, NOW, Optional.empty(),
                Optional.empty(), "1");
        assertThat(reason(Optional.of(expired), SECRET, EXISTS)).isEqualTo(ErrorReason.TOKEN_EXPIRED);
        assertThat(reason(Optional.of(FRESH), SECRET, Optional.empty())).isEqualTo(ErrorReason.HOST_REVOKED);
        assertThat(reason(Optional.of(FRESH), SECRET, Optional.of(new RegisteredHost("uid-2", null))))
                .as("a host recreated with the same name").isEqualTo(ErrorReason.HOST_REVOKED);
    }

    @Test
    void theSameKeyMayRepeatAJoinWhoseAnswerWasLostButOnlyForAWhile() {
        TokenRecord used = FRESH.markUsed(NOW.minusSeconds(30), KEY);
        assertThat(JoinDecision.decide(Optional.of(used), SECRET, KEY, EXISTS, NOW))
                .isEqualTo(new JoinDecision.Accept(HOST, true));
        Instant later = NOW.minusSeconds(30).plus(JoinDecision.REPLAY_WINDOW);
        assertThat(JoinDecision.decide(Optional.of(used), SECRET, KEY, EXISTS, later))
                .isInstanceOf(JoinDecision.Refuse.class);
        assertThat(JoinDecision.decide(Optional.of(used), SECRET, "another-key", EXISTS, NOW))
                .isInstanceOf(JoinDecision.Refuse.class);
    }

    @Test
    void aReplayIsRefusedOnceTheHostWasJoinedAgainByAnotherToken() {
        TokenRecord used = FRESH.markUsed(NOW.minusSeconds(120), KEY);
        // the machine was replaced: its successor joined a minute later with a new token
        Optional<RegisteredHost> succeeded = Optional.of(new RegisteredHost("uid-1", "ijklmnop", NOW.minusSeconds(60)));
        JoinDecision decision = JoinDecision.decide(Optional.of(used), SECRET, KEY, succeeded, NOW);

        assertThat(decision).isInstanceOf(JoinDecision.Refuse.class);
        assertThat(((JoinDecision.Refuse) decision).reason()).isEqualTo(ErrorReason.TOKEN_USED);
        assertThat(((JoinDecision.Refuse) decision).message()).contains("joined again since");
    }

    @Test
    void aReplayIsAcceptedWhenItsJoinIsTheLatestEvenIfRecordingItFailed() {
        TokenRecord used = FRESH.markUsed(NOW.minusSeconds(120), KEY);
        Optional<RegisteredHost> current = Optional.of(new RegisteredHost("uid-1", "abcdefgh", NOW.minusSeconds(120)));
        // the token was spent but the generation write failed: the host still names the join before
        Optional<RegisteredHost> notRecorded = Optional.of(new RegisteredHost("uid-1", "zzzzzzzz", NOW.minusSeconds(900)));

        assertThat(JoinDecision.decide(Optional.of(used), SECRET, KEY, current, NOW))
                .isEqualTo(new JoinDecision.Accept(HOST, true));
        assertThat(JoinDecision.decide(Optional.of(used), SECRET, KEY, notRecorded, NOW))
                .isEqualTo(new JoinDecision.Accept(HOST, true));
    }

    @Test
    void withoutTheSecretNothingAboutTheTokenIsRevealed() {
        TokenRecord usedAndExpired = new TokenRecord("abcdefgh", TokenRecord.hash(SECRET), HOST, NOW.minusSeconds(1),
                Optional.of(NOW.minusSeconds(5)), Optional.of(KEY), "1");
        assertThat(reason(Optional.of(usedAndExpired), "x".repeat(32), Optional.empty()))
                .isEqualTo(ErrorReason.TOKEN_INVALID);
    }

    @Test
    void refusalMessagesNeverContainTheSecret() {
        for (Optional<RegisteredHost> host : List.of(Optional.<RegisteredHost>empty(), EXISTS)) {
            JoinDecision d = JoinDecision.decide(Optional.of(FRESH.markUsed(NOW.minusSeconds(900), "x")), SECRET, KEY,
                    host, NOW);
            assertThat(((JoinDecision.Refuse) d).message()).doesNotContain(SECRET);
        }
    }

    private static ErrorReason reason(Optional<TokenRecord> record, String secret, Optional<RegisteredHost> host) {
        JoinDecision decision = JoinDecision.decide(record, secret, KEY, host, NOW);
        assertThat(decision).isInstanceOf(JoinDecision.Refuse.class);
        return ((JoinDecision.Refuse) decision).reason();
    }
}
