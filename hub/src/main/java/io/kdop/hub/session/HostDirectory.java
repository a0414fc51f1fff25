package io.kdop.hub.session;

import io.kdop.hub.pki.AgentIdentity;
import java.util.Optional;

/**
 * Answers "does this DockerHost exist, with which UID, and which agent joined it last", for
 * authorization; and records a join's generation for the host.
 */
public interface HostDirectory {

    Optional<RegisteredHost> find(String namespace, String name);

    /** Marks the identity as the host's current agent; earlier agents of the host are superseded. */
    void recordGeneration(AgentIdentity identity);

    /** Drops what is kept about hosts that no longer exist; returns how many. */
    default int forgetDeletedHosts() {
        return 0;
    }

    /** Whether the identity's host (same UID) has spec.hostURL: the hub drives it, and no agent may. */
    default boolean isDirect(AgentIdentity identity) {
        return false;
    }

    /** Whether the identity is the current agent of an existing host. */
    default boolean admits(AgentIdentity identity) {
        return find(identity.namespace(), identity.name()).filter(h -> h.admits(identity)).isPresent();
    }
}
