package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.engine.docker.ContainerAddresses.Resolution;
import io.kdop.proto.tunnel.TransportLoops;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay with real sockets on loopback: the hub's listener side, and a "published port" server. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SocketRelayTest {

    private final TransportLoops loops = new TransportLoops(1, "test-relay");

    @AfterEach
    void closeLoops() {
        loops.close();
    }

    @Test
    void aHalfClosedRequestStillGetsItsAnswer() throws Exception {
        try (ServerSocket published = published()) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = published.accept()) {
                    s.setSoTimeout(10_000);
                    String request = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    s.getOutputStream().write(("answer to " + request).getBytes(StandardCharsets.UTF_8));
                    return request;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Pair pair = Pair.open()) {
                SocketRelay.start(pair.hubSide(), () -> new Resolution.Address(
                        (InetSocketAddress) published.getLocalSocketAddress()), "test",
                        loops.current(), socket -> { });
                pair.client().getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
                pair.client().shutdownOutput(); // the request is complete; the answer must still come

                String answer = new String(pair.client().getInputStream().readAllBytes(), StandardCharsets.UTF_8);

                assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
                assertThat(answer).isEqualTo("answer to ping");
            }
        }
    }

    @Test
    void nowhereToGoResetsTheClientAtOnce() throws Exception {
        try (Pair pair = Pair.open()) {
            SocketRelay.start(pair.hubSide(), () -> new Resolution.Unreachable("port 80 is not published"), "test",
                    loops.current(), socket -> { });

            assertThatThrownBy(() -> pair.client().getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void aPublishedPortNobodyListensOnResetsTheClient() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (Pair pair = Pair.open()) {
            SocketRelay.start(pair.hubSide(), () -> new Resolution.Address(closed), "test",
                    loops.current(), socket -> { });

            assertThatThrownBy(() -> pair.client().getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void aResetByTheContainerResetsTheClient() throws Exception {
        try (ServerSocket published = published();
                Pair pair = Pair.open()) {
            SocketRelay.start(pair.hubSide(), () -> new Resolution.Address(
                    (InetSocketAddress) published.getLocalSocketAddress()), "test",
                    loops.current(), socket -> { });
            try (Socket container = published.accept()) {
                container.setSoLinger(true, 0); // close with a reset
            }
            InputStream in = pair.client().getInputStream();

            assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void stoppingTheHostsEngineResetsItsConnectionsInFlightAndRefusesNewOnes() throws Exception {
        try (ServerSocket published = published();
                Pair pair = Pair.open(); Pair later = Pair.open()) {
            RelayedConnections relays = new RelayedConnections(loops);
            relays.start(pair.hubSide(), () -> new Resolution.Address(
                    (InetSocketAddress) published.getLocalSocketAddress()), "test");
            try (Socket container = published.accept()) {
                container.setSoTimeout(10_000);
                pair.client().getOutputStream().write(1);
                assertThat(container.getInputStream().read()).as("the connection is carried").isEqualTo(1);

                relays.resetAll();

                assertThatThrownBy(() -> pair.client().getInputStream().read()).isInstanceOf(SocketException.class)
                        .hasMessageContaining("reset");
                relays.start(later.hubSide(), () -> new Resolution.Address(
                        (InetSocketAddress) published.getLocalSocketAddress()), "test");
                assertThatThrownBy(() -> later.client().getInputStream().read()).isInstanceOf(SocketException.class)
                        .hasMessageContaining("reset");
            }
        }
    }

    @Test
    void aConnectionStillFindingItsPortIsResetWhenTheEngineStopsAndNeverDialled() throws Exception {
        try (ServerSocket published = published(); Pair pair = Pair.open()) {
            CountDownLatch asked = new CountDownLatch(1);
            CountDownLatch answer = new CountDownLatch(1);
            RelayedConnections relays = new RelayedConnections(loops);
            relays.start(pair.hubSide(), () -> {
                asked.countDown();
                try {
                    answer.await(10, TimeUnit.SECONDS); // Docker is slow to say where the port is
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Resolution.Address((InetSocketAddress) published.getLocalSocketAddress());
            }, "test");
            assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();

            relays.resetAll();
            answer.countDown();

            assertThatThrownBy(() -> pair.client().getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            published.setSoTimeout(500); // what must not come: a dial for a connection already reset
            assertThatThrownBy(published::accept).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    /** A container's published port; its accept and its connections' reads time out rather than hang. */
    private static ServerSocket published() throws IOException {
        ServerSocket published = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        published.setSoTimeout(10_000);
        return published;
    }

    /** A connected client and the hub's accepted side of it (as the Service listener accepts it). */
    private record Pair(Socket client, SocketChannel hubSide, ServerSocketChannel listener) implements AutoCloseable {

        static Pair open() throws IOException {
            ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            Socket client = new Socket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) listener.getLocalAddress()).getPort());
            client.setSoTimeout(10_000); // a read the relay never answers fails rather than hangs
            return new Pair(client, listener.accept(), listener);
        }

        @Override
        public void close() throws IOException {
            client.close();
            hubSide.close();
            listener.close();
        }
    }
}
