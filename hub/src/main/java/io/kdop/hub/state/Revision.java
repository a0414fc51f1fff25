package io.kdop.hub.state;

import java.util.Optional;

/**
 * A desired-state revision: a number that only grows, and the digest of the content it names.
 *
 * <p>The rule: same content keeps its revision; new content gets a number above every revision
 * the hub or the agent has seen. After a hub restart the hub adopts the agent's revision when
 * the content is unchanged, so a restart alone never looks like a change.
 */
public record Revision(long number, String digest) {

    public static final Revision NONE = new Revision(0, "");

    public static Revision next(Optional<Revision> current, String contentDigest, Optional<Revision> agentApplied) {
        if (current.isPresent() && current.get().digest().equals(contentDigest)) {
            return current.get();
        }
        if (current.isEmpty() && agentApplied.isPresent() && agentApplied.get().digest().equals(contentDigest)) {
            return agentApplied.get();
        }
        long highest = Math.max(current.map(Revision::number).orElse(0L), agentApplied.map(Revision::number).orElse(0L));
        return new Revision(highest + 1, contentDigest);
    }
}
