package io.kdop.hub.session;

import io.kdop.hub.pki.AgentIdentity;
import java.time.Instant;

/**
 * A DockerHost as the hub has it now: its UID and the join that made its current agent.
 *
 * @param generation the token id of the latest join, or null if no agent joined yet
 * @param joinedAt when that join happened ({@link Instant#EPOCH} if not known)
 */
public record RegisteredHost(String uid, String generation, Instant joinedAt) {

    public RegisteredHost(String uid, String generation) {
        this(uid, generation, Instant.EPOCH);
    }

    /** Whether a certificate's identity is the host's current agent: same UID, latest join. */
    public boolean admits(AgentIdentity identity) {
        return uid.equals(identity.uid()) && generation != null && generation.equals(identity.generation());
    }

    /** Whether an agent joined with another token after {@code when}: a join from before is history. */
    public boolean joinedAgainAfter(String tokenId, Instant when) {
        return generation != null && !generation.equals(tokenId) && joinedAt.isAfter(when);
    }
}
