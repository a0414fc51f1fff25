package io.kdop.agent.session;

import io.kdop.proto.JoinToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent was told to do: which hub, which token (if joining), where its state lives.
 *
 * @param duplicateIdentityTimeout how long the hub may refuse this agent because another agent
 *     with the same identity holds the session before this one stops (exit code 6)
 */
public record AgentConfig(
        Optional<HubAddress> hub,
        Optional<JoinToken> token,
        Path stateDir,
        Duration initialBackoff,
        Duration maxBackoff,
        String agentVersion,
        Duration duplicateIdentityTimeout) {

    public static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    /** How long a second agent with the same identity keeps trying before it stops. */
    public static final Duration DUPLICATE_IDENTITY_TIMEOUT = Duration.ofMinutes(5);

    public AgentConfig(Optional<HubAddress> hub, Optional<JoinToken> token, Path stateDir, Duration initialBackoff,
            Duration maxBackoff, String agentVersion) {
        this(hub, token, stateDir, initialBackoff, maxBackoff, agentVersion, DUPLICATE_IDENTITY_TIMEOUT);
    }

    public AgentConfig {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(stateDir, "stateDir");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            maxBackoff = initialBackoff;
        }
    }
}
