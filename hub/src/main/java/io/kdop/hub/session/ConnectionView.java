package io.kdop.hub.session;

import io.kdop.proto.v1.HostFacts;
import java.time.Instant;

/** What the hub knows, in memory, about one host's agent connection. Immutable; replaced on every change. */
public record ConnectionView(boolean live, Instant connectedAt, Instant lastSeen, String agentVersion, HostFacts facts,
        long appliedRevision) {

    ConnectionView heard(Instant when, HostFacts newFacts) {
        return new ConnectionView(live, connectedAt, when, agentVersion, newFacts == null ? facts : newFacts,
                appliedRevision);
    }

    ConnectionView applied(Instant when, long revision) {
        return new ConnectionView(live, connectedAt, when, agentVersion, facts, revision);
    }

    ConnectionView closed(Instant when) {
        return new ConnectionView(false, connectedAt, when, agentVersion, facts, appliedRevision);
    }
}
