package io.kdop.hub.state;

import java.util.Optional;

/**
 * A desired-state revision: a number that only grows, and the digest of the content it names.
 *
 * <p>The rule: a revision is never below one the agent has applied; the same content keeps its
 * number (an agent ahead of a restarted hub is adopted, not contradicted); new content gets a
 * number above every revision the hub or the agent has seen.
 */
public record Revision(long number, String digest) {

    public static final Revision NONE = new Revision(0, "");

    public static Revision next(Optional<Revision> current, String contentDigest, Optional<Revision> agentApplied) {
        long hub = current.map(Revision::number).orElse(0L);
        long agent = agentApplied.map(Revision::number).orElse(0L);
        if (agent > hub && agentApplied.get().digest().equals(contentDigest)) {
            return agentApplied.get();
        }
        if (current.isPresent() && hub >= agent && current.get().digest().equals(contentDigest)) {
            return current.get();
        }
        return new Revision(Math.max(hub, agent) + 1, contentDigest);
    }
}
