package io.kdop.hub.deployment;

import java.time.Instant;
import java.util.Optional;

/**
 * A DockerHost a deployment may use, as the decisions see it.
 *
 * @param name the name a replica's spec.dockerHostRef gives it
 * @param eligible whether new replicas may go there now (Connected and Ready)
 * @param disconnectedSince when it went Disconnected, while it is
 */
public record HostOption(String name, boolean eligible, Optional<Instant> disconnectedSince) {

    public static HostOption connected(String name) {
        return new HostOption(name, true, Optional.empty());
    }

    public static HostOption disconnected(String name, Instant since) {
        return new HostOption(name, false, Optional.of(since));
    }
}
