package io.kdop.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kdop.proto.v1.ErrorReason;
import org.junit.jupiter.api.Test;

class RefusalsTest {

    @Test
    void reasonSurvivesTheRoundTrip() {
        StatusRuntimeException e = Refusals.refuse(Status.Code.PERMISSION_DENIED, ErrorReason.HOST_REVOKED, "gone");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription()).isEqualTo("gone");
        assertThat(Refusals.reasonOf(e)).contains(ErrorReason.HOST_REVOKED);
    }

    @Test
    void everyReasonMapsToACodeThatSaysWhoMustAct() {
        assertThat(Refusals.refuse(ErrorReason.TOKEN_USED, "x").getStatus().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Refusals.refuse(ErrorReason.CERTIFICATE_REQUIRED, "x").getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Refusals.refuse(ErrorReason.CSR_INVALID, "x").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Refusals.refuse(ErrorReason.SESSION_REPLACED, "x").getStatus().getCode())
                .isEqualTo(Status.Code.ABORTED);
        for (ErrorReason reason : ErrorReason.values()) {
            if (reason != ErrorReason.UNRECOGNIZED) {
                assertThat(Refusals.reasonOf(Refusals.refuse(reason, "m"))).contains(reason);
            }
        }
    }

    @Test
    void aBusyHubSaysWhenToComeBack() {
        StatusRuntimeException e = Refusals.busy("busy", java.time.Duration.ofMillis(2500));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription()).isEqualTo("busy");
        assertThat(Refusals.retryDelayOf(e)).contains(java.time.Duration.ofMillis(2500));
        assertThat(Refusals.reasonOf(e)).isEmpty();
        assertThat(Refusals.retryDelayOf(Refusals.refuse(ErrorReason.TOKEN_USED, "x"))).isEmpty();
        assertThat(Refusals.retryDelayOf(Status.RESOURCE_EXHAUSTED.asRuntimeException())).isEmpty();
    }

    @Test
    void plainStatusHasNoReason() {
        assertThat(Refusals.reasonOf(Status.UNAVAILABLE.asRuntimeException())).isEmpty();
    }
}
