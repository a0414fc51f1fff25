package io.kdop.hub.deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One DockerContainer a deployment owns, as the decisions see it.
 *
 * @param host the DockerHost name in its spec.dockerHostRef
 * @param deleting whether it is being deleted (its container may still run until its agent removes it)
 * @param readySince since when its Ready condition is True, while it is
 */
public record Replica(String name, String revision, String host, boolean deleting, Optional<Instant> readySince) {

    public boolean ready() {
        return readySince.isPresent();
    }

    /** Ready for at least minReady at this instant. */
    public boolean available(Duration minReady, Instant now) {
        return readySince.map(since -> !since.plus(minReady).isAfter(now)).orElse(false);
    }
}
