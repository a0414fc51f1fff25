package io.kdop.engine.docker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks whether the Docker daemon serves new connections. A stopping dockerd stops serving new
 * connections first and then stops its containers, while connections it already has (the event
 * stream, the clients' pooled ones) keep working: a fresh connection is the only way to tell, when
 * a job's container dies, that the daemon is going down rather than the job failing. On a unix
 * socket the probe is an HTTP {@code /_ping} with a short timeout, because under systemd's socket
 * activation the socket keeps accepting (and queueing) while dockerd is away.
 */
public final class DaemonProbe {

    private static final int TIMEOUT_MS = 2000;
    private static final byte[] PING = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String dockerHost;

    public DaemonProbe(String dockerHost) {
        this.dockerHost = dockerHost;
    }

    /** False when the daemon refuses a fresh connection or does not answer a ping on it in time. */
    public boolean acceptsConnections() {
        URI uri;
        try {
            uri = URI.create(dockerHost);
        } catch (IllegalArgumentException e) {
            return true; // cannot tell: the attempt is judged by its exit code alone
        }
        try {
            return switch (String.valueOf(uri.getScheme())) {
                case "unix" -> answersPing(Path.of(uri.getPath()));
                case "tcp" -> connects(uri); // TLS or not: a listening port is all a probe can ask
                default -> true;
            };
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean connects(URI uri) throws IOException {
        int port = uri.getPort() > 0 ? uri.getPort() : 2375;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), TIMEOUT_MS);
            return true;
        }
    }

    private static boolean answersPing(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(PING));
            CompletableFuture<String> statusLine = new CompletableFuture<>();
            Thread.ofVirtual().name("kdop-docker-ping").start(() -> {
                try {
                    statusLine.complete(readLine(channel));
                } catch (IOException e) {
                    statusLine.completeExceptionally(e); // closed on timeout, or reset
                }
            });
            try {
                String line = statusLine.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                return line.startsWith("HTTP/1.") && line.contains(" 200");
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
    }

    private static String readLine(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(128);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            String sofar = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            int end = sofar.indexOf("\r\n");
            if (end >= 0) {
                return sofar.substring(0, end);
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }
}
