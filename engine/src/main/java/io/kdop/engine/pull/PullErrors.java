package io.kdop.engine.pull;

import java.util.List;
import java.util.Locale;

/**
 * Tells a registry that could not be reached from one that answered "no": only the first may be
 * bridged with the image already on the host (pull policy Always on an edge box that lost its
 * uplink), never an authorization failure or a missing image.
 */
public final class PullErrors {

    private static final List<String> REFUSALS = List.of("unauthorized", "denied", "authentication required",
            "no basic auth credentials", "manifest unknown", "not found", "does not exist", "invalid reference");
    private static final List<String> UNREACHABLE = List.of("connection refused", "no such host", "i/o timeout",
            "network is unreachable", "no route to host", "tls handshake timeout", "context deadline exceeded",
            "server misbehaving", "connection reset", "temporary failure in name resolution", "eof");

    private PullErrors() {}

    /** True when Docker's pull error says the registry could not be reached (and nothing says it refused). */
    public static boolean registryUnreachable(String dockerMessage) {
        String m = dockerMessage.toLowerCase(Locale.ROOT);
        return REFUSALS.stream().noneMatch(m::contains) && UNREACHABLE.stream().anyMatch(m::contains);
    }
}
