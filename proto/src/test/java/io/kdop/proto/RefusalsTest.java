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
    void plainStatusHasNoReason() {
        assertThat(Refusals.reasonOf(Status.UNAVAILABLE.asRuntimeException())).isEmpty();
    }
}
