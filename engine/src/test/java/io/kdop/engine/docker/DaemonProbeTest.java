package io.kdop.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonProbeTest {

    @Test
    void aDaemonAnsweringThePingServesAndAGoneSocketDoesNot(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("docker.sock");
        DaemonProbe probe = new DaemonProbe("unix://" + socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel client = server.accept()) {
                    client.read(ByteBuffer.allocate(256));
                    client.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
                            .getBytes(StandardCharsets.US_ASCII)));
                } catch (java.io.IOException e) {
                    // the probe closed first
                }
            });
            assertThat(probe.acceptsConnections()).isTrue();
        }
        Files.deleteIfExists(socket); // as a stopping dockerd removes its socket
        assertThat(probe.acceptsConnections()).isFalse();
    }

    @Test
    void aSocketThatAcceptsButNobodyAnswersIsADaemonAway(@TempDir Path dir) throws Exception {
        // systemd's socket activation: the socket stays while dockerd restarts; connections wait
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel held = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            held.bind(UnixDomainSocketAddress.of(socket));
            long start = System.nanoTime();
            assertThat(new DaemonProbe("unix://" + socket).acceptsConnections()).isFalse();
            assertThat(System.nanoTime() - start).as("within the probe's timeout").isLessThan(5_000_000_000L);
        }
    }

    @Test
    void aTcpDaemonIsProbedByItsPortAndAnUnknownSchemeCannotBeTold() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
            assertThat(new DaemonProbe("tcp://127.0.0.1:" + port).acceptsConnections()).isTrue();
        }
        assertThat(new DaemonProbe("tcp://127.0.0.1:" + port).acceptsConnections()).isFalse();
        assertThat(new DaemonProbe("npipe:////./pipe/docker_engine").acceptsConnections()).isTrue();
        assertThat(new DaemonProbe("not a uri").acceptsConnections()).isTrue();
    }
}
