package io.kdop.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.kdop.hub.join.JoinService;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueuedJoinTest {

    /** Records how the call ended. */
    private static final class Call extends ServerCallStreamObserver<JoinResponse> {
        Throwable error;

        @Override public boolean isCancelled() { return false; }
        @Override public void setOnCancelHandler(Runnable onCancelHandler) {}
        @Override public void setCompression(String compression) {}
        @Override public boolean isReady() { return true; }
        @Override public void setOnReadyHandler(Runnable onReadyHandler) {}
        @Override public void request(int count) {}
        @Override public void setMessageCompression(boolean enable) {}
        @Override public void disableAutoInboundFlowControl() {}
        @Override public void onNext(JoinResponse value) {}
        @Override public void onError(Throwable t) { error = t; }
        @Override public void onCompleted() {}
    }

    @Test
    void aJoinThatFailsUnexpectedlyOnItsWorkerIsStillAnswered() {
        // nothing behind the service: the CSR check meets a missing CA and throws
        JoinService broken = new JoinService(null, null, null, Clock.systemUTC(), identity -> { });
        Call call = new Call();
        JoinRequest request = JoinRequest.newBuilder().setTokenId("abcdefgh").setTokenSecret("s".repeat(32))
                .setCsrDer(ByteString.copyFrom(new byte[64])).build();

        new QueuedJoin(broken, request, call).run();

        assertThat(Status.fromThrowable(call.error).getCode()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void aDeferredJoinCarriesTheDelayTheAgentWaits() {
        Call call = new Call();
        new QueuedJoin(null, JoinRequest.getDefaultInstance(), call).defer(Duration.ofSeconds(7), 300);

        assertThat(Status.fromThrowable(call.error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Status.fromThrowable(call.error).getDescription()).contains("busy with 300 other joins", "7 s");
        assertThat(Refusals.retryDelayOf(call.error)).contains(Duration.ofSeconds(7));
    }
}
