package io.kdop.proto.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Client connections spliced to a "container" server on one loop, as the hub carries them to a direct host. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketSpliceTest {

    private final TransportLoops loops = new TransportLoops(1, "test-splice");
    private ServerSocketChannel listener;
    private LoopbackContainer container;
    private ExecutorService threads;

    @BeforeEach
    void aListenerAndAContainer() throws IOException {
        // platform threads started up front: the thread count below then sees only what the code under
        // test starts (virtual threads would add carrier threads as they got busy)
        ThreadPoolExecutor pool = new ThreadPoolExecutor(48, 48, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        pool.prestartAllCoreThreads();
        threads = pool;
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        container = new LoopbackContainer(threads);
    }

    @AfterEach
    void stop() throws IOException {
        threads.shutdownNow();
        listener.close();
        container.close();
        loops.close();
    }

    @Test
    void concurrentHalfClosedEchoesArriveIntactWithoutAThreadPerConnection() throws Exception {
        container.serve(LoopbackContainer::echoUntilEnd);
        echo(16 * 1024, 99); // the loop's thread is up
        ManagementFactory.getThreadMXBean().resetPeakThreadCount();
        int before = ManagementFactory.getThreadMXBean().getThreadCount();
        List<Future<byte[][]>> transfers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long seed = i;
            transfers.add(threads.submit(() -> echo(4 << 20, seed)));
        }
        for (Future<byte[][]> transfer : transfers) {
            byte[][] sentAndReceived = transfer.get(60, TimeUnit.SECONDS);
            assertThat(sentAndReceived[1]).as("sha256 of what came back").isEqualTo(sentAndReceived[0]);
        }
        // a relay with a thread per direction would start 16 platform threads for these 8
        assertThat(ManagementFactory.getThreadMXBean().getPeakThreadCount() - before).isLessThan(8);
    }

    @Test
    void aClientThatDoesNotReadStopsTheContainersWrites() throws Exception {
        long offered = 256L << 20;
        AtomicLong written = new AtomicLong();
        container.serve(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (long left = offered; left > 0; left -= chunk.length) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            socket.shutdownOutput();
        });
        try (Socket client = connect()) {
            long stalledAt = waitUntilUnchangedFor(written, 1000);
            // kernel socket buffers of four sockets (autotuned, a few MiB each) plus the splice's bound;
            // a relay without backpressure would have taken everything offered into the hub's memory
            assertThat(stalledAt).isLessThan(64L << 20);

            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read += n;
            }
            assertThat(read).as("every byte arrives once the client reads").isEqualTo(offered);
        }
    }

    @Test
    void aContainerThatResetsItsConnectionResetsTheClient() throws Exception {
        container.serve(socket -> {
            socket.getInputStream().read();
            socket.setSoLinger(true, 0);
            socket.close();
        });
        try (Socket client = connect()) {
            client.getOutputStream().write('x');
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        }
    }

    @Test
    void aClientThatResetsItsConnectionResetsTheContainers() throws Exception {
        Future<Throwable> containerSaw = threads.submit(() -> {
            try (Socket socket = container.accept()) {
                socket.setSoTimeout(10_000);
                socket.getInputStream().read();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        try (Socket client = connect()) {
            client.setSoLinger(true, 0);
        }
        assertThat(containerSaw.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
    }

    /** A client connection, accepted at the listener and spliced to a new connection to the container. */
    private Socket connect() throws Exception {
        Socket client = new Socket();
        client.setSoTimeout(20_000); // a read the splice never answers fails rather than hangs
        client.connect(listener.getLocalAddress());
        EventLoop loop = loops.current();
        NioSocketChannel accepted = TunnelPipe.socket(listener.accept());
        loop.register(accepted).sync();
        NioSocketChannel upstream = TunnelPipe.socket();
        loop.register(upstream).sync();
        upstream.connect(container.address()).sync();
        SocketSplice.join(accepted, upstream, () -> {});
        return client;
    }

    /** A sha256-checked echo through a new connection. */
    private byte[][] echo(int bytes, long seed) throws Exception {
        try (Socket client = connect()) {
            return LoopbackContainer.echo(client, bytes, seed, threads);
        }
    }

    /** The counter's value once it has not moved for {@code quietMillis} (the writer is blocked). */
    private static long waitUntilUnchangedFor(AtomicLong counter, long quietMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
                return now;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the container's writes never stopped: " + counter.get() + " bytes written");
    }

}
