package io.kdop.hub.session;

import io.kdop.hub.pki.AgentIdentity;

/** A DockerHost as the API server has it now: its UID and the generation of the agent that last joined it. */
public record RegisteredHost(String uid, String generation) {

    /** Whether a certificate's identity is the host's current agent: same UID, latest join. */
    public boolean admits(AgentIdentity identity) {
        return uid.equals(identity.uid()) && generation != null && generation.equals(identity.generation());
    }
}
