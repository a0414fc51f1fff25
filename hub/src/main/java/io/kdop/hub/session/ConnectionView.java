package io.kdop.hub.session;

import io.kdop.proto.v1.HostFacts;
import java.time.Instant;

/**
 * What the hub knows, in memory, about one host's agent connection. Immutable; replaced on every change.
 * The agent's words in it (its version, the host's facts) are bounded one-line text (see {@link PeerText}),
 * whatever the agent sent: they go into the DockerHost's status.
 *
 * @param live whether a session is open now
 * @param lastSeen when the agent last sent anything, or when its session closed
 */
public record ConnectionView(boolean live, Instant lastSeen, String agentVersion, HostFacts facts,
        long appliedRevision) {

    public ConnectionView {
        agentVersion = PeerText.forStatus(agentVersion);
        facts = facts == null ? null : bounded(facts);
    }

    ConnectionView heard(Instant when, HostFacts newFacts) {
        return new ConnectionView(live, when, agentVersion, newFacts == null ? facts : newFacts, appliedRevision);
    }

    ConnectionView applied(Instant when, long revision) {
        return new ConnectionView(live, when, agentVersion, facts, revision);
    }

    ConnectionView closed(Instant when) {
        return new ConnectionView(false, when, agentVersion, facts, appliedRevision);
    }

    private static HostFacts bounded(HostFacts f) {
        return f.toBuilder()
                .setDockerVersion(PeerText.forStatus(f.getDockerVersion()))
                .setDockerApiVersion(PeerText.forStatus(f.getDockerApiVersion()))
                .setOs(PeerText.forStatus(f.getOs()))
                .setArch(PeerText.forStatus(f.getArch()))
                .setOperatingSystem(PeerText.forStatus(f.getOperatingSystem()))
                .setKernelVersion(PeerText.forStatus(f.getKernelVersion()))
                .setHostname(PeerText.forStatus(f.getHostname()))
                .setDockerError(PeerText.forStatus(f.getDockerError()))
                .build();
    }
}
