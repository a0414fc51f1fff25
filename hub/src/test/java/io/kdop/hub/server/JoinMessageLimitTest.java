package io.kdop.hub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JoinMessageLimitTest {

    private final AtomicInteger joinsSeen = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        AgentServiceGrpc.AgentServiceImplBase service = new AgentServiceGrpc.AgentServiceImplBase() {
            @Override
            public void join(JoinRequest request, StreamObserver<JoinResponse> responses) {
                joinsSeen.incrementAndGet();
                responses.onNext(JoinResponse.getDefaultInstance());
                responses.onCompleted();
            }
        };
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(JoinMessageLimit.apply(service.bindService())).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void aJoinRequestOfARealCsrPassesAndAnOversizedOneIsRefusedUnread() {
        AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);
        assertThat(stub.join(request(2 * 1024))).isNotNull();
        assertThat(joinsSeen).hasValue(1);

        // gRPC ends a call whose request cannot be parsed with UNKNOWN; what matters is that it ends unread
        assertThatThrownBy(() -> stub.join(request(JoinMessageLimit.MAX_JOIN_REQUEST_BYTES)))
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(joinsSeen).as("the service never saw it").hasValue(1);
    }

    private static JoinRequest request(int csrBytes) {
        return JoinRequest.newBuilder().setTokenId("abcdef").setTokenSecret("0123456789abcdef")
                .setCsrDer(ByteString.copyFrom(new byte[csrBytes])).build();
    }
}
