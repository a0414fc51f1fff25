package io.kdop.proto.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.TunnelFrame;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two pipes joined by a real Tunnel call over loopback HTTP/2, wired as the hub (client
 * connections) and the agent (container connections) wire them, on one transport loop.
 */
class TunnelPipeTest {

    private final TransportLoops loops = new TransportLoops(1, "test-transport");
    private final TunnelStats stats = new TunnelStats();
    /** Client connections accepted at the "hub", waiting for the "agent"'s call. */
    private final BlockingQueue<NioSocketChannel> accepted = new LinkedBlockingQueue<>();
    private ServerSocketChannel listener;
    private LoopbackContainer container;
    private Server hub;
    private ManagedChannel agent;
    private ExecutorService threads;

    @BeforeEach
    void aHubAnAgentAndAContainer() throws IOException {
        // platform threads started up front: the thread count below then sees only what the code under
        // test starts (virtual threads would add carrier threads as they got busy)
        ThreadPoolExecutor pool = new ThreadPoolExecutor(48, 48, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        pool.prestartAllCoreThreads();
        threads = pool;
        hub = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        InsecureServerCredentials.create())
                .bossEventLoopGroup(loops.group()).workerEventLoopGroup(loops.group())
                .channelType(NioServerSocketChannel.class).directExecutor()
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public StreamObserver<TunnelFrame> tunnel(StreamObserver<TunnelFrame> responses) {
                        return hubEnd((ServerCallStreamObserver<TunnelFrame>) responses);
                    }
                }).build().start();
        agent = NettyChannelBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), hub.getPort()),
                        InsecureChannelCredentials.create())
                .eventLoopGroup(loops.group()).channelType(NioSocketChannel.class).build();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        container = new LoopbackContainer(threads);
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        hub.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        listener.close();
        container.close();
        loops.close();
    }

    @Test
    void concurrentHalfClosedEchoesArriveIntactWithoutAThreadPerTunnel() throws Exception {
        container.serve(LoopbackContainer::echoUntilEnd);
        echoThroughTunnel(16 * 1024, 99); // the transport's and gRPC's own threads are up
        ManagementFactory.getThreadMXBean().resetPeakThreadCount();
        int before = ManagementFactory.getThreadMXBean().getThreadCount();
        List<Future<byte[][]>> transfers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long seed = i;
            transfers.add(threads.submit(() -> echoThroughTunnel(4 << 20, seed)));
        }
        for (Future<byte[][]> transfer : transfers) {
            byte[][] sentAndReceived = transfer.get(60, TimeUnit.SECONDS);
            assertThat(sentAndReceived[1]).as("sha256 of what came back").isEqualTo(sentAndReceived[0]);
        }
        // the old pump started two platform threads per tunnel and end: 32 for these 8
        assertThat(ManagementFactory.getThreadMXBean().getPeakThreadCount() - before).isLessThan(8);
        assertThat(stats.bytesSent()).as("both ends sent what they read").isEqualTo(2L * (8 * (4 << 20) + 16 * 1024));
    }

    @Test
    void aContainerThatResetsItsConnectionResetsTheClient() throws Exception {
        container.serve(socket -> {
            socket.getInputStream().read();
            socket.setSoLinger(true, 0);
            socket.close();
        });
        try (Socket client = connectThroughTunnel()) {
            client.getOutputStream().write('x');
            long start = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        }
    }

    @Test
    void bytesTheClientSentBeforeItsTunnelOpenedAreCarried() throws Exception {
        container.serve(LoopbackContainer::echoUntilEnd);
        try (Socket client = new Socket()) {
            client.connect(listener.getLocalAddress());
            client.setSoTimeout(10_000); // dropped bytes would leave the echo waiting for them
            client.getOutputStream().write("early bytes".getBytes(StandardCharsets.US_ASCII));
            NioSocketChannel early = TunnelPipe.socket(listener.accept());
            loops.group().next().register(early).sync();
            // the loop polls its sockets before running each of these: the bytes wait for the pipe
            for (int i = 0; i < 3; i++) {
                early.eventLoop().submit(() -> {}).sync();
            }
            accepted.add(early);
            agentEnd();
            client.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("early bytes");
        }
    }

    /** A sha256-checked echo through a new connection. */
    private byte[][] echoThroughTunnel(int bytes, long seed) throws Exception {
        try (Socket client = connectThroughTunnel()) {
            return LoopbackContainer.echo(client, bytes, seed, threads);
        }
    }

    /** A client connection at the hub's listener, carried by a new tunnel (the agent answers). */
    private Socket connectThroughTunnel() throws Exception {
        Socket client = new Socket();
        client.connect(listener.getLocalAddress());
        accepted.add(TunnelPipe.socket(listener.accept()));
        agentEnd();
        return client;
    }


    /** As TunnelBroker: the client's socket joins the call's loop. */
    private StreamObserver<TunnelFrame> hubEnd(ServerCallStreamObserver<TunnelFrame> call) {
        call.disableAutoRequest();
        call.setOnReadyThreshold(TunnelPipe.ON_READY_THRESHOLD);
        NioSocketChannel client = accepted.remove();
        if (!client.isRegistered()) {
            loops.current().register(client);
        }
        TunnelPipe pipe = new TunnelPipe("hub", client, call, stats, () -> {});
        call.setOnReadyHandler(pipe::onReady);
        pipe.start();
        return pipe;
    }

    /** As TunnelEndpoint: connects to the container on the loop, then opens the call. */
    private void agentEnd() throws Exception {
        NioSocketChannel socket = TunnelPipe.socket();
        loops.current().register(socket).sync();
        socket.connect(container.address()).sync();
        AtomicReference<TunnelPipe> pipe = new AtomicReference<>();
        AtomicReference<ClientCallStreamObserver<TunnelFrame>> call = new AtomicReference<>();
        AgentServiceGrpc.newStub(agent).withExecutor(Runnable::run).withOnReadyThreshold(TunnelPipe.ON_READY_THRESHOLD)
                .tunnel(new ClientResponseObserver<TunnelFrame, TunnelFrame>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<TunnelFrame> requests) {
                        call.set(requests);
                        requests.disableAutoRequestWithInitial(0);
                        requests.setOnReadyHandler(() -> {
                            if (pipe.get() != null) {
                                pipe.get().onReady();
                            }
                        });
                    }

                    @Override
                    public void onNext(TunnelFrame frame) {
                        pipe.get().onNext(frame);
                    }

                    @Override
                    public void onError(Throwable t) {
                        pipe.get().onError(t);
                    }

                    @Override
                    public void onCompleted() {
                        pipe.get().onCompleted();
                    }
                });
        TunnelPipe started = new TunnelPipe("agent", socket, call.get(), stats, () -> {});
        started.start();
        pipe.set(started);
    }
}
