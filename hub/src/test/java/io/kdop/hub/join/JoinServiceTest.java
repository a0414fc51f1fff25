package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.JoinRequest;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** What a join is refused for before anything costly happens: no CSR parsed, no Kubernetes read. */
class JoinServiceTest {

    // Nothing behind the service: touching the records, the hosts or the CA would throw.
    private final JoinService service = new JoinService(null, null, null, Clock.systemUTC(), identity -> { });

    @Test
    void anOversizedCertificateRequestIsRefusedBeforeItIsParsed() {
        JoinRequest request = JoinRequest.newBuilder().setTokenId("abcdefgh").setTokenSecret("s".repeat(32))
                .setCsrDer(ByteString.copyFrom(new byte[4 * 1024 * 1024])).build();

        assertThatThrownBy(() -> service.join(request)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(Refusals.reasonOf(e)).contains(ErrorReason.CSR_INVALID));
    }

    @Test
    void aMalformedTokenIdOrAnOversizedSecretIsRefusedBeforeAnyLookup() {
        JoinRequest badId = JoinRequest.newBuilder().setTokenId("../../etc").setTokenSecret("s".repeat(32)).build();
        JoinRequest longSecret = JoinRequest.newBuilder().setTokenId("abcdefgh")
                .setTokenSecret("s".repeat(1 << 20)).build();

        assertThatThrownBy(() -> service.join(badId)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(Refusals.reasonOf(e)).contains(ErrorReason.TOKEN_UNKNOWN));
        assertThatThrownBy(() -> service.join(longSecret)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(Refusals.reasonOf(e)).contains(ErrorReason.TOKEN_INVALID));
    }
}
