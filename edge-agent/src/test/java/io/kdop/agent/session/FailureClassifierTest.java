package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    private static final FailureClassifier.Context SESSION =
            new FailureClassifier.Context("edge", "edge-1", Path.of("/var/lib/kdop-agent"));
    private static final FailureClassifier.Context JOIN =
            new FailureClassifier.Context(null, null, Path.of("/var/lib/kdop-agent"));

    private static Failure refused(ErrorReason reason, FailureClassifier.Context context) {
        return FailureClassifier.classify(Refusals.refuse(Status.Code.PERMISSION_DENIED, reason, "no"), context);
    }

    @Test
    void refusalsThatRetryingCannotFixAreFatal() {
        for (ErrorReason reason : new ErrorReason[] {ErrorReason.TOKEN_UNKNOWN, ErrorReason.TOKEN_INVALID,
                ErrorReason.TOKEN_EXPIRED, ErrorReason.TOKEN_USED, ErrorReason.HOST_REVOKED,
                ErrorReason.IDENTITY_MISMATCH, ErrorReason.CSR_INVALID, ErrorReason.CA_RETIRED,
                ErrorReason.HOST_IS_DIRECT}) {
            assertThat(refused(reason, SESSION)).as(reason.name())
                    .isInstanceOfSatisfying(Failure.Fatal.class, f -> assertThat(f.exitCode()).isEqualTo(4));
        }
        assertThat(refused(ErrorReason.TOKEN_EXPIRED, JOIN)).isEqualTo(new Failure.Fatal(4,
                "join token expired: ask for a new one with kubectl annotate dockerhost <dockerhost>"
                        + " kdop.io.vn/token-request=$(date +%s) --overwrite (hub: no)"));
        assertThat(((Failure.Fatal) refused(ErrorReason.HOST_REVOKED, SESSION)).message())
                .contains("revoked").contains("-n edge annotate dockerhost edge-1");
        assertThat(((Failure.Fatal) refused(ErrorReason.HOST_IS_DIRECT, SESSION)).message())
                .startsWith("DockerHost edge-1 has spec.hostURL").contains("remove spec.hostURL")
                .doesNotContain("join token");
        assertThat(((Failure.Fatal) refused(ErrorReason.CA_RETIRED, SESSION)).message())
                .startsWith("the hub's CA was rotated and the CA that issued this agent's certificate was retired")
                .contains("-n edge annotate dockerhost edge-1");
    }

    @Test
    void otherRefusalsAreRetried() {
        assertThat(refused(ErrorReason.SESSION_REPLACED, SESSION)).isEqualTo(new Failure.Retry("refused: SESSION_REPLACED"));
        assertThat(refused(ErrorReason.PROTOCOL_VIOLATION, SESSION)).isInstanceOf(Failure.Retry.class);
    }

    @Test
    void aHandshakeFailureWithAnExpiredCertificateIsFatal() {
        Instant expiredAt = Instant.parse("2025-03-04T05:06:07Z");
        FailureClassifier.Context expired = new FailureClassifier.Context("edge", "edge-1",
                Path.of("/var/lib/kdop-agent"), expiredAt);
        var handshake = Status.UNAVAILABLE.withCause(new SSLHandshakeException("Received fatal alert: certificate_expired"))
                .asRuntimeException();
        assertThat(FailureClassifier.classify(handshake, expired)).isEqualTo(new Failure.Fatal(4,
                "the client certificate expired at 2025-03-04T05:06:07Z; the host must join again with a new token"
                        + " (kubectl -n edge annotate dockerhost edge-1 kdop.io.vn/token-request=$(date +%s) --overwrite),"
                        + " then run again with it"));
        assertThat(FailureClassifier.classify(handshake, SESSION)).as("a valid certificate: worth retrying")
                .isInstanceOf(Failure.Retry.class);
        assertThat(FailureClassifier.classify(Status.UNAVAILABLE.withCause(new ConnectException("Connection refused"))
                .asRuntimeException(), expired)).as("not a handshake failure").isInstanceOf(Failure.Retry.class);
    }

    @Test
    void namesTheTransportCause() {
        Failure unreachable = FailureClassifier.classify(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused")).asRuntimeException(), SESSION);
        assertThat(((Failure.Retry) unreachable).cause()).startsWith("hub unreachable");
        Failure tls = FailureClassifier.classify(Status.UNAVAILABLE
                .withCause(new SSLHandshakeException("bad certificate")).asRuntimeException(), SESSION);
        assertThat(((Failure.Retry) tls).cause()).startsWith("TLS handshake failed");
        assertThat(FailureClassifier.classify(Status.INTERNAL.asRuntimeException(), SESSION))
                .isInstanceOf(Failure.Retry.class);
        assertThat(FailureClassifier.classify(null, SESSION)).isEqualTo(new Failure.Retry("hub closed the session"));
    }

    @Test
    void aBusyHubSaysWhenToComeBackAndOtherFailuresLeaveItToTheBackoff() {
        Failure busy = FailureClassifier.classify(Refusals.busy("the hub is busy", Duration.ofSeconds(7)), JOIN);
        assertThat(busy).isEqualTo(new Failure.Retry("stream error: RESOURCE_EXHAUSTED the hub is busy",
                java.util.Optional.of(Duration.ofSeconds(7))));
        assertThat(((Failure.Retry) FailureClassifier.classify(Status.RESOURCE_EXHAUSTED.asRuntimeException(), JOIN))
                .hubSaysAfter()).isEmpty();
    }
}
