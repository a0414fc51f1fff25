package io.kdop.agent.session;

import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when to stop because another agent with this identity holds the host's session. The
 * hub refuses a newcomer while the holder is heard from; right after a link change the holder
 * can be this agent's own old connection, which goes silent and is replaced within two heartbeat
 * intervals. Refused without a break for longer than the timeout, it is another machine.
 */
final class DuplicateIdentityWatch {

    private final Duration timeout;
    private Instant refusedSince;

    DuplicateIdentityWatch(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Records how a session ended.
     *
     * @return whether it ended because another agent with this identity holds the session
     * @throws AgentExit when refusals for a duplicate identity lasted longer than the timeout
     */
    boolean sessionEnded(Throwable error, Instant now, String hostKey, Path stateDir) throws AgentExit {
        boolean duplicate = error != null
                && Refusals.reasonOf(error).filter(ErrorReason.IDENTITY_IN_USE::equals).isPresent();
        if (!duplicate) {
            refusedSince = null;
            return false;
        }
        if (refusedSince == null) {
            refusedSince = now;
        }
        if (!now.isBefore(refusedSince.plus(timeout))) {
            throw new AgentExit(AgentExit.IDENTITY_IN_USE, "another agent with this identity is connected: the hub "
                    + "has refused this agent for " + Durations.format(Duration.between(refusedSince, now))
                    + " because DockerHost " + hostKey + " is served by an agent with the same certificate, most likely "
                    + "a copy of " + stateDir + " on another machine. Stop one of them; a second machine needs its own "
                    + "DockerHost and join token");
        }
        return true;
    }
}
