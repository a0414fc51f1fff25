package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.join.TokenRecord;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.CaPin;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenPlanTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final TokenRecord UNUSED = new TokenRecord("abcdefgh", "h", new AgentIdentity("edge", "e", "u",
            "abcdefgh"), NOW.plusSeconds(60), Optional.empty(), Optional.empty(), "1");

    private static final CaPin PIN = CaPin.ofHex("a".repeat(64));

    @Test
    void anUnusedTokenPinningACaThatNoLongerSignsIsReplaced() {
        TokenRecord pinned = new TokenRecord("abcdefgh", "h", new AgentIdentity("edge", "e", "u", "abcdefgh"),
                NOW.plusSeconds(60), Optional.empty(), Optional.empty(), "1", Optional.of(PIN));
        CaPin promoted = CaPin.ofHex("b".repeat(64));

        assertThat(TokenPlan.decide(outstanding(), Optional.of(pinned), null, PIN).issue()).isFalse();
        assertThat(TokenPlan.decide(outstanding(), Optional.of(pinned), null, promoted))
                .isEqualTo(new TokenPlan(Optional.empty(), false, true));
        Instant used = NOW.minusSeconds(3);
        assertThat(TokenPlan.decide(outstanding(), Optional.of(pinned.markUsed(used, "k")), null, promoted))
                .as("a used token is only cleared").isEqualTo(new TokenPlan(Optional.of(used), true, false));
        assertThat(TokenPlan.decide(outstanding(), Optional.of(UNUSED), null, promoted).issue())
                .as("a record that does not say which CA it pins is kept").isFalse();
    }

    @Test
    void aNewHostGetsAToken() {
        assertThat(TokenPlan.decide(new DockerHostStatus(), Optional.empty(), null, PIN))
                .isEqualTo(new TokenPlan(Optional.empty(), false, true));
    }

    @Test
    void anOutstandingUnusedTokenIsKept() {
        assertThat(TokenPlan.decide(outstanding(), Optional.of(UNUSED), null, PIN))
                .isEqualTo(new TokenPlan(Optional.empty(), false, false));
    }

    @Test
    void aUsedTokenMarksTheHostJoinedAndIsCleared() {
        Instant used = NOW.minusSeconds(3);
        assertThat(TokenPlan.decide(outstanding(), Optional.of(UNUSED.markUsed(used, "k")), null, PIN))
                .isEqualTo(new TokenPlan(Optional.of(used), true, false));
    }

    @Test
    void aTokenWhoseRecordVanishedIsNotSilentlyReplaced() {
        assertThat(TokenPlan.decide(outstanding(), Optional.empty(), null, PIN).issue()).isFalse();
    }

    @Test
    void aJoinedHostGetsANewTokenOnlyWhenAskedAndOnlyOncePerRequest() {
        DockerHostStatus joined = new DockerHostStatus();
        joined.setJoinedAt("2026-11-21T11:00:00Z");
        assertThat(TokenPlan.decide(joined, Optional.empty(), null, PIN).issue()).isFalse();
        assertThat(TokenPlan.decide(joined, Optional.empty(), "1", PIN).issue()).isTrue();
        joined.setTokenRequest("1");
        assertThat(TokenPlan.decide(joined, Optional.empty(), "1", PIN).issue()).isFalse();
    }

    private static DockerHostStatus outstanding() {
        DockerHostStatus status = new DockerHostStatus();
        status.setJoinTokenId("abcdefgh");
        return status;
    }
}
