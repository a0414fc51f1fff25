package io.kdop.agent.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A unix socket in front of the Docker daemon's that passes every byte through and notes the
 * request lines the agent sends, so a test can count the agent's Docker calls (its pulls, say)
 * without a hook in the agent.
 */
final class CountingDockerSocket implements AutoCloseable {

    /** Longer request lines (none of the agent's come near) are noted cut short. */
    private static final int MAX_LINE = 8192;

    private final Path socket;
    private final UnixDomainSocketAddress daemon;
    private final ServerSocketChannel server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<SocketChannel> open = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param daemonHost the real daemon, {@code unix:///...}
     * @param dir where the proxy's socket goes (a short path: unix socket paths are limited)
     */
    CountingDockerSocket(String daemonHost, Path dir) throws IOException {
        URI uri = URI.create(daemonHost);
        if (!"unix".equals(uri.getScheme())) {
            throw new IllegalArgumentException("counting Docker calls needs the daemon on a unix socket, not "
                    + daemonHost);
        }
        daemon = UnixDomainSocketAddress.of(uri.getPath());
        socket = dir.resolve("docker.sock");
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().name("counting-docker-socket").start(this::accept);
    }

    /** The DOCKER_HOST to give the agent. */
    String dockerHost() {
        return "unix://" + socket.toAbsolutePath();
    }

    /** How many pulls of {@code image} (repository:tag) the clients asked the daemon for (POST /images/create). */
    long pullsOf(String image) {
        int colon = image.lastIndexOf(':');
        Set<String> wanted = Set.of("fromImage=" + image.substring(0, colon), "tag=" + image.substring(colon + 1));
        return requests().stream().filter(r -> r.startsWith("POST ") && r.contains("/images/create?"))
                .filter(r -> queryOf(r).containsAll(wanted)).count();
    }

    /** Every request line so far, in order (for a failure message). */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The decoded name=value pairs of a request line's query. */
    private static Set<String> queryOf(String requestLine) {
        String target = requestLine.split(" ")[1];
        int question = target.indexOf('?');
        if (question < 0) {
            return Set.of();
        }
        return Arrays.stream(target.substring(question + 1).split("&"))
                .map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
                upstream.connect(daemon);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> relay(client, upstream, new RequestLines()));
                Thread.ofVirtual().start(() -> relay(upstream, client, null));
            }
        } catch (IOException closed) {
            // closed by the test
        }
    }

    private void relay(SocketChannel from, SocketChannel to, RequestLines lines) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                if (lines != null) {
                    lines.scan(buffer.duplicate());
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput(); // a half-close passes through
        } catch (IOException e) {
            close(from);
            close(to);
        }
    }

    /** Splits one connection's client bytes into lines and keeps those that are HTTP request lines. */
    private final class RequestLines {
        private final StringBuilder line = new StringBuilder();

        void scan(ByteBuffer bytes) {
            while (bytes.hasRemaining()) {
                char c = (char) (bytes.get() & 0xff);
                if (c == '\n') {
                    String text = line.toString().strip();
                    if (text.matches("[A-Z]+ /\\S* HTTP/1\\.[01]")) {
                        requests.add(text);
                    }
                    line.setLength(0);
                } else if (line.length() < MAX_LINE) {
                    line.append(c);
                }
            }
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            open.forEach(CountingDockerSocket::close);
        }
        Files.deleteIfExists(socket);
    }
}
