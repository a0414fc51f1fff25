package io.kdop.agent.session;

import io.grpc.Status;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Sorts join and session failures into retryable causes and fatal refusals, with a message that
 * says what to do. Pure: it reads the error and the context, nothing else.
 */
public final class FailureClassifier {

    /**
     * @param namespace the DockerHost's namespace, or null during a join (not known yet)
     * @param name the DockerHost's name, or null during a join
     * @param certificateExpiredAt when the stored client certificate expired, or null if it has
     *     not (or there is none yet)
     */
    public record Context(String namespace, String name, Path stateDir, Instant certificateExpiredAt) {

        /** A context whose certificate has not expired. */
        public Context(String namespace, String name, Path stateDir) {
            this(namespace, name, stateDir, null);
        }
    }

    private FailureClassifier() {}

    /** {@code error} null means the hub ended the session without an error. */
    public static Failure classify(Throwable error, Context context) {
        if (error == null) {
            return new Failure.Retry("hub closed the session");
        }
        Optional<ErrorReason> reason = Refusals.reasonOf(error);
        if (reason.isPresent()) {
            return refusal(reason.get(), Status.fromThrowable(error).getDescription(), context);
        }
        Status status = Status.fromThrowable(error);
        if (context.certificateExpiredAt() != null && tlsFailure(error).isPresent()) {
            // the hub refused the expired certificate: no number of retries makes it valid again
            return certificateExpired(context.certificateExpiredAt(), context);
        }
        return switch (status.getCode()) {
            case UNAVAILABLE -> new Failure.Retry(transportCause(error, status));
            case DEADLINE_EXCEEDED -> new Failure.Retry("hub did not answer in time"
                    + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"));
            default -> new Failure.Retry("stream error: " + status.getCode()
                    + (status.getDescription() == null ? "" : " " + status.getDescription()),
                    Refusals.retryDelayOf(error));
        };
    }

    /** The stored client certificate is past its notAfter: only a new join helps. */
    public static Failure.Fatal certificateExpired(Instant notAfter, Context c) {
        return new Failure.Fatal(AgentExit.REFUSED, "the client certificate expired at " + notAfter
                + "; the host must join again with a new token (" + tokenRequest(c) + "), then run again with it");
    }

    private static String tokenRequest(Context c) {
        String host = c.name() == null ? "<dockerhost>" : c.name();
        String ns = c.namespace() == null ? "" : "-n " + c.namespace() + " ";
        return "kubectl " + ns + "annotate dockerhost " + host + " kdop.io.vn/token-request=$(date +%s) --overwrite";
    }

    private static String rejoin(Context c) {
        return "get a new join token (" + tokenRequest(c) + ") and run again with --token";
    }

    private static Failure refusal(ErrorReason reason, String hubSays, Context c) {
        String host = c.name() == null ? "<dockerhost>" : c.name();
        String newToken = "ask for a new one with " + tokenRequest(c);
        String rejoin = rejoin(c);
        String message = switch (reason) {
            case TOKEN_UNKNOWN -> "join token unknown to this hub: check --hub, or " + newToken;
            case TOKEN_INVALID -> "join token secret rejected: copy the token again from the DockerHost's join Secret, or " + newToken;
            case TOKEN_EXPIRED -> "join token expired: " + newToken;
            case TOKEN_USED -> "join token already used: " + newToken;
            case HOST_REVOKED -> "the hub revoked this host (its DockerHost " + host
                    + " was deleted or recreated): " + rejoin;
            case HOST_IS_DIRECT -> "DockerHost " + host + " has spec.hostURL, so the hub drives this host's Docker "
                    + "itself and needs no agent: stop this agent and remove it (the containers keep running), or "
                    + "remove spec.hostURL from the DockerHost and start the agent again with the same state directory";
            case IDENTITY_MISMATCH -> "the hub says the identity in " + c.stateDir().resolve("identity")
                    + " does not match its certificate: remove that directory, " + rejoin;
            case CA_RETIRED -> "the hub's CA was rotated and the CA that issued this agent's certificate was retired "
                    + "before the agent renewed it (it was probably offline during the rotation): " + rejoin;
            case CSR_INVALID -> "the hub rejected the agent's certificate request (CSR_INVALID): "
                    + "check that the agent and hub versions are compatible";
            default -> null;
        };
        if (message != null) {
            // The hub's own words name the host and the time; the agent's add what to do.
            String said = hubSays == null || hubSays.isBlank() ? "" : " (hub: " + hubSays + ")";
            return new Failure.Fatal(AgentExit.REFUSED, message + said);
        }
        if (reason == ErrorReason.IDENTITY_IN_USE) {
            // Retried for a while: after a link change the hub may still hold this agent's own old session.
            return new Failure.Retry("refused: IDENTITY_IN_USE, another agent with this identity is connected");
        }
        // SESSION_REPLACED, CERTIFICATE_REQUIRED, PROTOCOL_VIOLATION, unknown: a later try may work
        return new Failure.Retry("refused: " + reason.name());
    }

    private static String transportCause(Throwable error, Status status) {
        Optional<Throwable> tls = tlsFailure(error);
        if (tls.isPresent()) {
            return "TLS handshake failed: " + tls.get().getMessage();
        }
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return "hub unreachable: " + t.getMessage();
            }
        }
        return "hub unavailable: " + (status.getDescription() == null ? "UNAVAILABLE" : status.getDescription());
    }

    private static Optional<Throwable> tlsFailure(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
