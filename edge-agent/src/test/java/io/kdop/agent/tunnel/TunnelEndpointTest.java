package io.kdop.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kdop.engine.docker.ContainerAddresses;
import io.kdop.proto.tunnel.TransportLoops;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.OpenTunnel;
import io.kdop.proto.v1.TunnelFailure;
import io.kdop.proto.v1.TunnelFrame;
import io.kdop.proto.v1.TunnelHello;
import io.kdop.proto.v1.TunnelTarget;
import io.kdop.proto.v1.WorkloadRef;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TunnelEndpointTest {

    private static final WorkloadRef WEB = WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace("edge")
            .setName("web").setUid("uid-web").build();
    private static final DesiredState DECLARES_8080 = DesiredState.newBuilder()
            .addContainers(ContainerSpec.newBuilder().setWorkload(WEB).setContainerName("web"))
            .addTunnelTargets(TunnelTarget.newBuilder().setWorkload(WEB).addPorts(8080)).build();

    private final CompletableFuture<TunnelHello> hello = new CompletableFuture<>();
    private final TransportLoops loops = new TransportLoops(1, "test-transport");
    private Server hub;
    private ManagedChannel channel;

    @BeforeEach
    void aHubThatRecordsTheHello() throws Exception {
        String name = InProcessServerBuilder.generateName();
        hub = InProcessServerBuilder.forName(name).directExecutor().addService(new AgentServiceGrpc.AgentServiceImplBase() {
            @Override
            public StreamObserver<TunnelFrame> tunnel(StreamObserver<TunnelFrame> responses) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(TunnelFrame frame) {
                        if (frame.hasHello()) {
                            hello.complete(frame.getHello());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        responses.onCompleted();
                    }
                };
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        hub.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loops.close();
    }

    @Test
    void aPortTheDesiredStateDoesNotDeclareIsRefusedWithoutTouchingTheContainer() throws Exception {
        AtomicInteger resolved = new AtomicInteger();
        TunnelEndpoint endpoint = endpoint((c, p) -> {
            resolved.incrementAndGet();
            return new ContainerAddresses.Resolution.Unreachable("not asked");
        });

        endpoint.open(request(22), channel);

        TunnelHello answer = hello.get(10, TimeUnit.SECONDS);
        assertThat(answer.getFailure()).isEqualTo(TunnelFailure.TUNNEL_NOT_DECLARED);
        assertThat(answer.getError()).contains("port 22 of edge/web is not declared");
        assertThat(resolved).hasValue(0);
    }

    @Test
    void aWorkloadOfAnotherHostIsRefusedEvenOnADeclaredPortNumber() throws Exception {
        TunnelEndpoint endpoint = endpoint(
                (c, p) -> new ContainerAddresses.Resolution.Unreachable("not asked"));

        endpoint.open(OpenTunnel.newBuilder().setTunnelId("id-other-0000").setPort(8080)
                .setWorkload(WEB.toBuilder().setUid("uid-not-here")).build(), channel);

        assertThat(hello.get(10, TimeUnit.SECONDS).getFailure()).isEqualTo(TunnelFailure.TUNNEL_NOT_DECLARED);
    }

    @Test
    void aDeclaredPortNobodyListensOnIsRefused() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        TunnelEndpoint endpoint = endpoint(
                (c, p) -> new ContainerAddresses.Resolution.Address(new InetSocketAddress("127.0.0.1", closedPort)));

        endpoint.open(request(8080), channel);

        TunnelHello answer = hello.get(10, TimeUnit.SECONDS);
        assertThat(answer.getFailure()).isEqualTo(TunnelFailure.TUNNEL_REFUSED);
        assertThat(answer.getError()).startsWith("nothing listens on edge/web:8080");
    }

    @Test
    void aDeclaredPortThatAnswersIsCarried() throws Exception {
        try (ServerSocket container = new ServerSocket(0)) {
            TunnelEndpoint endpoint = endpoint(
                    (c, p) -> new ContainerAddresses.Resolution.Address(
                            new InetSocketAddress("127.0.0.1", container.getLocalPort())));

            endpoint.open(request(8080), channel);

            TunnelHello answer = hello.get(10, TimeUnit.SECONDS);
            assertThat(answer.getError()).isEmpty();
            assertThat(answer.getTunnelId()).isEqualTo("id-0123456789");
        }
    }

    private TunnelEndpoint endpoint(ContainerAddresses addresses) {
        return new TunnelEndpoint(() -> Optional.of(DECLARES_8080), addresses, loops);
    }

    private static OpenTunnel request(int port) {
        return OpenTunnel.newBuilder().setTunnelId("id-0123456789").setWorkload(WEB).setPort(port).build();
    }
}
