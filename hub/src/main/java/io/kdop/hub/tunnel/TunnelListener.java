package io.kdop.hub.tunnel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One hub port that a tunnelled Service port points at: hands every connection to its route. */
final class TunnelListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelListener.class);

    private final ServerSocket server;
    private volatile Consumer<Socket> route;

    TunnelListener(InetAddress bind, int port, Consumer<Socket> route) throws IOException {
        this.route = route;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 128);
        Thread.ofVirtual().name("tunnel-listener-" + port).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Later connections go this way (the backends changed); open ones are not touched. */
    void reroute(Consumer<Socket> next) {
        route = next;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                client.setKeepAlive(true); // a client that vanished without a reset does not hold a tunnel forever
                try {
                    route.accept(client);
                } catch (RuntimeException e) {
                    LOG.warn("tunnel port {}: cannot route a connection: {}", port(), e.toString());
                    TunnelBroker.reset(client);
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("tunnel port {}: accept failed: {}", server.getLocalPort(), e.getMessage());
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
