package io.kdop.hub.direct;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Names why a direct host's Docker API did not answer, from what the client threw: each cause a
 * user can fix gets its own condition reason and says what to check. Pure. TLS and socket
 * exceptions carry no key material; their text is quoted only for causes not named here.
 */
public final class ProbeFailures {

    /** TLS alerts a server sends when it does not accept the client's certificate. */
    private static final List<String> CLIENT_CERT_ALERTS = List.of("bad_certificate", "unknown_ca",
            "certificate_required", "certificate_unknown", "access_denied", "unsupported_certificate",
            "certificate_revoked", "certificate_expired", "decrypt_error");

    private ProbeFailures() {}

    public static ProbeResult.Failed classify(Throwable thrown, DirectEndpoint endpoint) {
        List<Throwable> chain = chain(thrown);
        String at = endpoint.dockerHost();
        String secret = endpoint.tlsSecretName() == null ? "" : " of Secret " + endpoint.tlsSecretName();

        Optional<Throwable> peerUnverified = find(chain, SSLPeerUnverifiedException.class);
        if (peerUnverified.isPresent() && text(peerUnverified.get()).contains("match")) {
            return new ProbeResult.Failed("ServerNameMismatch", "the Docker daemon at " + at + " presented a "
                    + "certificate that is not issued for " + endpoint.serverName() + ", the host in spec.hostURL; "
                    + "dial the name or address its certificate has, or reissue it with " + endpoint.serverName()
                    + " among its subject alternative names");
        }
        if (find(chain, CertificateExpiredException.class).isPresent()
                || find(chain, CertificateNotYetValidException.class).isPresent()) {
            return new ProbeResult.Failed("ServerCertificateExpired", "the Docker daemon at " + at
                    + " presented a certificate outside its validity period; renew the daemon's --tlscert");
        }
        if (find(chain, CertPathValidatorException.class).isPresent() || find(chain, CertPathBuilderException.class)
                .isPresent() || chain.stream().anyMatch(t -> text(t).contains("unable to find valid certification path"))) {
            return new ProbeResult.Failed("UnknownCA", "the Docker daemon at " + at + " presented a certificate "
                    + "that ca.pem" + secret + " does not vouch for; put the CA that signed the daemon's "
                    + "--tlscert into ca.pem");
        }
        Optional<String> alert = chain.stream().filter(t -> t instanceof SSLException || t instanceof java.net.SocketException)
                .map(ProbeFailures::text).flatMap(m -> CLIENT_CERT_ALERTS.stream().filter(m::contains)).findFirst();
        if (alert.isPresent()) {
            return new ProbeResult.Failed("ClientCertificateRefused", "the Docker daemon at " + at + " refused the "
                    + "client certificate cert.pem" + secret + " (TLS alert " + alert.get() + "); it accepts only "
                    + "client certificates signed by the CA it was started with (--tlscacert)");
        }
        if (chain.stream().anyMatch(t -> t instanceof SSLException
                && text(t).contains("unrecognized ssl message"))) {
            return new ProbeResult.Failed("NotTLS", "something answers at " + at + ", but not with TLS: "
                    + "a Docker daemon without --tlsverify, or another service; check the port in spec.hostURL");
        }
        if (chain.stream().anyMatch(t -> text(t).contains("http request to an https server"))) {
            return new ProbeResult.Failed("TLSRequired", "the Docker daemon at " + at + " expects TLS; set "
                    + "spec.tlsSecretName to a Secret with ca.pem, cert.pem and key.pem");
        }
        Optional<Throwable> network = chain.stream().filter(t -> t instanceof ConnectException
                || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                || t instanceof SocketTimeoutException || t instanceof java.io.InterruptedIOException
                || t instanceof java.nio.file.NoSuchFileException || t instanceof java.io.FileNotFoundException
                // a Unix socket's failures come as plain SocketExceptions, told apart by their text only
                || t instanceof java.net.SocketException && (text(t).contains("no such file")
                        || text(t).contains("connection refused")))
                .findFirst();
        if (network.isPresent()) {
            return new ProbeResult.Failed("Unreachable", "nothing answers at " + at + " (" + describe(network.get())
                    + "); check spec.hostURL, that dockerd listens there (-H), and that the hub's network reaches it");
        }
        if (chain.stream().anyMatch(t -> text(t).contains("permission denied"))) {
            return new ProbeResult.Failed("PermissionDenied", "the hub may not open " + at + " (permission "
                    + "denied); the hub's user needs access to the socket");
        }
        Throwable root = chain.getLast();
        return new ProbeResult.Failed("DockerAPIError", "the Docker API at " + at + " did not answer version and "
                + "info: " + describe(root));
    }

    /**
     * Whether a TLS 1.2 handshake failed because the server speaks no TLS 1.2 at all (its alert
     * protocol_version): nothing about either certificate is known yet.
     */
    public static boolean refusedTls12(java.io.IOException thrown) {
        return chain(thrown).stream().anyMatch(t -> t instanceof SSLException && text(t).contains("protocol_version"));
    }

    /**
     * A failed TLS 1.2 handshake of a probe. The daemon asks for the client certificate within
     * the handshake; when it refuses it, it may close the connection while the client is still
     * writing its flight, and the client sees a broken pipe or a reset instead of the alert. The
     * daemon asked for the client certificate after the client accepted the server's, so a
     * connection dropped after that request means the client certificate was refused.
     */
    public static ProbeResult.Failed classifyHandshake(java.io.IOException thrown, DirectEndpoint endpoint,
            boolean clientCertificateAsked) {
        ProbeResult.Failed named = classify(thrown, endpoint);
        if (!"DockerAPIError".equals(named.reason()) || !dropped(thrown) || !clientCertificateAsked) {
            return named; // a drop before the daemon asked for the certificate (a proxy, a firewall) stays unnamed
        }
        return new ProbeResult.Failed("ClientCertificateRefused", "the Docker daemon at " + endpoint.dockerHost()
                + " closed the connection while checking the client certificate cert.pem" + secretOf(endpoint)
                + "; it accepts only client certificates signed by the CA it was started with (--tlscacert)");
    }

    /**
     * A failed first request of a probe over TLS 1.3 (the endpoint speaks nothing older). There
     * the daemon checks the client certificate only after the client's side of the handshake, so
     * its refusal comes with the first request, as the alert or as a dropped connection. A drop
     * after it asked for the certificate is most likely that refusal; a TLS-terminating proxy
     * that cannot reach the daemon looks the same, and the message says so.
     */
    public static ProbeResult.Failed classifyTls13FirstRequest(Throwable thrown, DirectEndpoint endpoint,
            boolean clientCertificateAsked) {
        ProbeResult.Failed named = classify(thrown, endpoint);
        if (!"DockerAPIError".equals(named.reason()) || !dropped(thrown) || !clientCertificateAsked) {
            return named;
        }
        return new ProbeResult.Failed("ClientCertificateRefused", "the endpoint at " + endpoint.dockerHost()
                + " speaks TLS 1.3 only and closed the connection on the first request, after asking for the "
                + "client certificate cert.pem" + secretOf(endpoint) + ": that is how a Docker daemon refuses a "
                + "client certificate under TLS 1.3 (it accepts only certificates signed by the CA it was started "
                + "with, --tlscacert); a TLS-terminating proxy in front of the daemon that cannot reach it looks "
                + "the same");
    }

    private static boolean dropped(Throwable thrown) {
        return chain(thrown).stream().anyMatch(t -> text(t).contains("broken pipe")
                || text(t).contains("connection reset") || text(t).contains("remote host terminated the handshake")
                || t instanceof java.io.EOFException);
    }

    private static String secretOf(DirectEndpoint endpoint) {
        return endpoint.tlsSecretName() == null ? "" : " of Secret " + endpoint.tlsSecretName();
    }

    private static String describe(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("").strip();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return t instanceof UnknownHostException ? "unknown host " + message
                : t instanceof SocketTimeoutException || t instanceof java.io.InterruptedIOException ? "timed out"
                : message.isEmpty() ? t.getClass().getSimpleName() : message;
    }

    private static <T extends Throwable> Optional<Throwable> find(List<Throwable> chain, Class<T> type) {
        return chain.stream().filter(type::isInstance).findFirst();
    }

    private static List<Throwable> chain(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
            for (Throwable s : t.getSuppressed()) {
                if (!chain.contains(s)) {
                    chain.add(s);
                }
            }
        }
        return chain;
    }

    private static String text(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }
}
