package io.kdop.hub.direct;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where and how the hub dials a direct host's Docker API, as read from spec.hostURL,
 * spec.tlsSecretName and spec.allowInsecure. Pure.
 *
 * @param dockerHost the URL docker-java dials: tcp://host:port or unix:///path
 * @param serverName the host name or address the server certificate must be issued for (TLS only)
 * @param tlsSecretName the Secret with ca.pem, cert.pem and key.pem, or null without TLS
 */
public record DirectEndpoint(Transport transport, String dockerHost, String serverName, String tlsSecretName) {

    /** How the connection is made. */
    public enum Transport {
        /** TCP with mutual TLS: the server's certificate checked against ca.pem and its name, ours presented. */
        TLS,
        /** Plain TCP: no encryption, no authentication; only with spec.allowInsecure. */
        PLAIN_TCP,
        /** A Unix socket the hub can reach. */
        UNIX
    }

    /** Docker's conventional ports: 2376 with TLS, 2375 without. */
    static final int TLS_PORT = 2376;
    static final int PLAIN_PORT = 2375;

    /** The endpoint, or why the spec does not make one. */
    public sealed interface Parsed {
        /** A usable endpoint. */
        record Valid(DirectEndpoint endpoint) implements Parsed {}

        /** What is wrong with the spec, as a condition reason and message. */
        record Invalid(String reason, String message) implements Parsed {}
    }

    public static Parsed parse(String hostURL, String tlsSecretName, Boolean allowInsecure) {
        String url = hostURL == null ? "" : hostURL.strip();
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return invalid("spec.hostURL " + url + " is not a URL; write tcp://HOST:PORT or unix:///PATH/docker.sock");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String secret = tlsSecretName == null || tlsSecretName.isBlank() ? null : tlsSecretName.strip();
        return switch (scheme) {
            case "unix" -> uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")
                    ? invalid("spec.hostURL " + url + " names no socket; write unix:///var/run/docker.sock")
                    : new Parsed.Valid(new DirectEndpoint(Transport.UNIX, "unix://" + uri.getPath(), null, null));
            case "tcp", "http", "https" -> tcp(url, uri, scheme, secret, Boolean.TRUE.equals(allowInsecure));
            default -> invalid("spec.hostURL " + url + " has the scheme \"" + scheme + "\"; write tcp://HOST:PORT "
                    + "(with spec.tlsSecretName) or unix:///PATH/docker.sock");
        };
    }

    private static Parsed tcp(String url, URI uri, String scheme, String secret, boolean allowInsecure) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return invalid("spec.hostURL " + url + " names no host; write tcp://HOST:PORT, e.g. tcp://1.2.3.4:2376");
        }
        if (secret == null && "https".equals(scheme)) {
            return invalid("spec.hostURL " + url + " asks for TLS but spec.tlsSecretName is not set; name a Secret "
                    + "with ca.pem, cert.pem and key.pem");
        }
        if (secret == null && !allowInsecure) {
            return new Parsed.Invalid("TLSRequired", "spec.hostURL " + url + " has no spec.tlsSecretName: the hub "
                    + "would talk to this Docker API unencrypted and unauthenticated, and anyone who can reach the "
                    + "port controls the host; set spec.tlsSecretName to a Secret with ca.pem, cert.pem and key.pem "
                    + "(mutual TLS), or set spec.allowInsecure: true to accept plain TCP");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : secret != null ? TLS_PORT : PLAIN_PORT;
        String address = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        // an IPv6 literal comes bracketed from URI; the certificate names it without brackets
        String serverName = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new Parsed.Valid(secret != null
                ? new DirectEndpoint(Transport.TLS, "tcp://" + address, serverName, secret)
                : new DirectEndpoint(Transport.PLAIN_TCP, "tcp://" + address, null, null));
    }

    private static Parsed invalid(String message) {
        return new Parsed.Invalid("InvalidHostURL", message);
    }

    /** The host's address as the hub dials its published ports: the host in a tcp:// URL, this machine for a socket. */
    public String hostAddress() {
        if (transport == Transport.UNIX) {
            return "127.0.0.1";
        }
        String host = URI.create(dockerHost).getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }
}
