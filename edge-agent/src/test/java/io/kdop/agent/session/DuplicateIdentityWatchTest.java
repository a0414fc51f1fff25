package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DuplicateIdentityWatchTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Path STATE = Path.of("/var/lib/kdop-agent");
    private static final Throwable IN_USE = Refusals.refuse(ErrorReason.IDENTITY_IN_USE, "another agent");

    private final DuplicateIdentityWatch watch = new DuplicateIdentityWatch(Duration.ofMinutes(5));

    @Test
    void refusalsThatLastLongerThanTheTimeoutStopTheAgentSayingWhy() throws AgentExit {
        assertThat(watch.sessionEnded(IN_USE, T0, "edge/edge-1", STATE)).isTrue();
        assertThat(watch.sessionEnded(IN_USE, T0.plus(Duration.ofMinutes(4)), "edge/edge-1", STATE)).isTrue();

        assertThatThrownBy(() -> watch.sessionEnded(IN_USE, T0.plus(Duration.ofMinutes(5)), "edge/edge-1", STATE))
                .isInstanceOfSatisfying(AgentExit.class, e -> {
                    assertThat(e.code()).isEqualTo(AgentExit.IDENTITY_IN_USE);
                    assertThat(e.getMessage()).contains("another agent with this identity is connected")
                            .contains("edge/edge-1").contains("/var/lib/kdop-agent");
                });
    }

    @Test
    void anyOtherEndStartsTheCountAgain() throws AgentExit {
        watch.sessionEnded(IN_USE, T0, "edge/edge-1", STATE);
        // the old session went silent and this agent got through: it was its own old connection
        assertThat(watch.sessionEnded(Status.UNAVAILABLE.asRuntimeException(), T0.plus(Duration.ofMinutes(3)),
                "edge/edge-1", STATE)).isFalse();

        assertThat(watch.sessionEnded(IN_USE, T0.plus(Duration.ofMinutes(6)), "edge/edge-1", STATE)).isTrue();
        assertThat(watch.sessionEnded(null, T0.plus(Duration.ofMinutes(7)), "edge/edge-1", STATE)).isFalse();
        assertThat(watch.sessionEnded(IN_USE, T0.plus(Duration.ofMinutes(12)), "edge/edge-1", STATE)).isTrue();
    }
}
