package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.join.TokenRecord;
import io.kdop.hub.pki.AgentIdentity;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenPlanTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final TokenRecord UNUSED = new TokenRecord("abcdefgh", "h", new AgentIdentity("edge", "e", "u",
            "abcdefgh"), NOW.plusSeconds(60), Optional.empty(), Optional.empty(), "1");

    @Test
    void aNewHostGetsAToken() {
        assertThat(TokenPlan.decide(new DockerHostStatus(), Optional.empty(), null))
                .isEqualTo(new TokenPlan(Optional.empty(), false, true));
    }

    @Test
    void anOutstandingUnusedTokenIsKept() {
        assertThat(TokenPlan.decide(outstanding(), Optional.of(UNUSED), null))
                .isEqualTo(new TokenPlan(Optional.empty(), false, false));
    }

    @Test
    void aUsedTokenMarksTheHostJoinedAndIsCleared() {
        Instant used = NOW.minusSeconds(3);
        assertThat(TokenPlan.decide(outstanding(), Optional.of(UNUSED.markUsed(used, "k")), null))
                .isEqualTo(new TokenPlan(Optional.of(used), true, false));
    }

    @Test
    void aTokenWhoseRecordVanishedIsNotSilentlyReplaced() {
        assertThat(TokenPlan.decide(outstanding(), Optional.empty(), null).issue()).isFalse();
    }

    @Test
    void aJoinedHostGetsANewTokenOnlyWhenAskedAndOnlyOncePerRequest() {
        DockerHostStatus joined = new DockerHostStatus();
        joined.setJoinedAt("2026-11-21T11:00:00Z");
        assertThat(TokenPlan.decide(joined, Optional.empty(), null).issue()).isFalse();
        assertThat(TokenPlan.decide(joined, Optional.empty(), "1").issue()).isTrue();
        joined.setTokenRequest("1");
        assertThat(TokenPlan.decide(joined, Optional.empty(), "1").issue()).isFalse();
    }

    private static DockerHostStatus outstanding() {
        DockerHostStatus status = new DockerHostStatus();
        status.setJoinTokenId("abcdefgh");
        return status;
    }
}
