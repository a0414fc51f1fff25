package io.kdop.hub.direct;

import io.kdop.engine.docker.ContainerAddresses.Resolution;
import io.kdop.hub.tunnel.TunnelBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one Service connection to a container port published on a direct host: bytes both ways
 * on two platform threads with one 64 KiB buffer each (the memory per connection), a half-close
 * passed on as a half-close, and a reset or failure on either side as a reset of the other. A
 * slow reader slows the writer: every write blocks until the socket takes it.
 */
final class SocketRelay {

    private static final Logger LOG = LoggerFactory.getLogger(SocketRelay.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final int BUFFER = 64 * 1024;

    private SocketRelay() {}

    /**
     * Finds where the container listens and carries {@code client} there, off the caller's thread
     * (finding it asks Docker); resets the client when there is nowhere to go.
     *
     * @param open the connections in flight, both sockets of this one while it lasts (so they can be reset)
     */
    static void start(Socket client, Supplier<Resolution> target, String what, Set<Socket> open) {
        open.add(client);
        Thread.ofPlatform().daemon().name("kdop-direct-tunnel").start(() -> {
            try {
                switch (target.get()) {
                    case Resolution.Address address -> carry(client, address.address(), what, open);
                    case Resolution.Unreachable unreachable -> {
                        LOG.debug("no tunnel to {}: {}", what, unreachable.why());
                        reset(client);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("tunnel to {} failed: {}", what, e.toString());
                reset(client);
            } finally {
                open.remove(client);
            }
        });
    }

    /** Resets a connection (SO_LINGER 0), so its peer learns at once that nobody serves it. */
    static void reset(Socket socket) {
        TunnelBroker.reset(socket);
    }

    private static void carry(Socket client, InetSocketAddress target, String what, Set<Socket> open) {
        Socket upstream = new Socket();
        open.add(upstream);
        try {
            upstream.connect(target, (int) CONNECT_TIMEOUT.toMillis());
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.debug("tunnel to {} at {} refused: {}", what, target, e.toString());
            reset(client);
            closeQuietly(upstream);
            open.remove(upstream);
            return;
        }
        Thread back = Thread.ofPlatform().daemon().name("kdop-direct-tunnel").start(() -> pump(upstream, client));
        pump(client, upstream);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(client);
        closeQuietly(upstream);
        open.remove(upstream);
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            reset(to);
            reset(from);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed already
        }
    }
}
