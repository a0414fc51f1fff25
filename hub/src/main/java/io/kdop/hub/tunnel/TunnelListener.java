package io.kdop.hub.tunnel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One hub port that a tunnelled Service port points at: hands every connection to its route. */
final class TunnelListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelListener.class);

    // a channel, not a ServerSocket: an agent's tunnel hands the connection to netty's event loop
    private final ServerSocketChannel server;
    private final int port;
    private volatile Consumer<SocketChannel> route;

    TunnelListener(InetAddress bind, int port, Consumer<SocketChannel> route) throws IOException {
        this.route = route;
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bind, port), 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        Thread.ofVirtual().name("tunnel-listener-" + this.port).start(this::accept);
    }

    int port() {
        return port;
    }

    /** Later connections go this way (the backends changed); open ones are not touched. */
    void reroute(Consumer<SocketChannel> next) {
        route = next;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                // a client that vanished without a reset does not hold a tunnel forever
                client.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                try {
                    route.accept(client);
                } catch (RuntimeException e) {
                    LOG.warn("tunnel port {}: cannot route a connection: {}", port(), e.toString());
                    TunnelBroker.reset(client);
                }
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("tunnel port {}: accept failed: {}", port, e.getMessage());
                    pause(); // e.g. out of file descriptors: do not spin
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
