package io.kdop.hub.direct;

import java.util.Locale;
import java.util.Optional;

/**
 * Which direct hosts the hub operator lets DockerHost authors make (the hub's --direct-hosts).
 * Whoever may create a DockerHost gets the hub's reach on the network: a Docker API without
 * authentication (plain TCP) or a Unix socket in the hub's file system would let them run
 * containers wherever the hub can connect, so by default only mutual-TLS hosts are driven, whose
 * daemon trusts the author's client certificate anyway. Pure.
 */
public enum DirectHostsAllowed {
    /** No direct hosts: every DockerHost needs an agent. */
    NONE,
    /** tcp:// with mutual TLS only (the default). */
    TLS,
    /** Also plain tcp:// (with spec.allowInsecure) and unix:// sockets the hub can reach. */
    ALL;

    /** The value of --direct-hosts: none, tls or all. */
    public static DirectHostsAllowed parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--direct-hosts must be none, tls or all, not " + value);
        }
    }

    /** Why an endpoint of this transport may not be driven, if it may not. */
    public Optional<ProbeResult.Failed> refusal(DirectEndpoint.Transport transport) {
        boolean allowed = switch (this) {
            case NONE -> false;
            case TLS -> transport == DirectEndpoint.Transport.TLS;
            case ALL -> true;
        };
        if (allowed) {
            return Optional.empty();
        }
        String what = switch (transport) {
            case TLS -> "direct hosts";
            case PLAIN_TCP -> "direct hosts over plain TCP";
            case UNIX -> "direct hosts on a Unix socket";
        };
        String setting = this == NONE && transport == DirectEndpoint.Transport.TLS ? "tls" : "all";
        return Optional.of(new ProbeResult.Failed("DirectHostNotAllowed", "this hub does not drive " + what
                + " (it runs with --direct-hosts=" + name().toLowerCase(Locale.ROOT) + "): whoever may create "
                + "a DockerHost would get the hub's reach on the network. The hub's operator may allow it with "
                + "--direct-hosts=" + setting + " (Helm: hub.directHosts=" + setting + "); or join an agent on that "
                + "machine (a DockerHost without spec.hostURL)"));
    }
}
