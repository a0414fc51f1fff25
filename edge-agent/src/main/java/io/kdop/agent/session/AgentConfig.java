package io.kdop.agent.session;

import io.kdop.proto.JoinToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What the agent was told to do: which hub, which token (if joining), where its state lives. */
public record AgentConfig(
        Optional<HubAddress> hub,
        Optional<JoinToken> token,
        Path stateDir,
        Duration initialBackoff,
        Duration maxBackoff,
        String agentVersion) {

    public static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);

    public AgentConfig {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(stateDir, "stateDir");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            maxBackoff = initialBackoff;
        }
    }
}
