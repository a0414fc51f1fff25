package io.kdop.hub.session;

import io.kdop.proto.v1.HostFacts;
import java.time.Instant;

/**
 * What the hub knows, in memory, about one host's agent connection. Immutable; replaced on every change.
 *
 * @param live whether a session is open now
 * @param lastSeen when the agent last sent anything, or when its session closed
 */
public record ConnectionView(boolean live, Instant lastSeen, String agentVersion, HostFacts facts,
        long appliedRevision) {

    ConnectionView heard(Instant when, HostFacts newFacts) {
        return new ConnectionView(live, when, agentVersion, newFacts == null ? facts : newFacts, appliedRevision);
    }

    ConnectionView applied(Instant when, long revision) {
        return new ConnectionView(live, when, agentVersion, facts, revision);
    }

    ConnectionView closed(Instant when) {
        return new ConnectionView(false, when, agentVersion, facts, appliedRevision);
    }
}
