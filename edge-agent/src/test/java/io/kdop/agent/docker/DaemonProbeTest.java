package io.kdop.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonProbeTest {

    @Test
    void aListeningUnixSocketAcceptsAndAClosedOneDoesNot(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("docker.sock");
        DaemonProbe probe = new DaemonProbe("unix://" + socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertThat(probe.acceptsConnections()).isTrue();
        }
        java.nio.file.Files.deleteIfExists(socket); // as a stopping dockerd removes its socket
        assertThat(probe.acceptsConnections()).isFalse();
    }

    @Test
    void aTcpDaemonIsProbedByItsPort() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
            assertThat(new DaemonProbe("tcp://127.0.0.1:" + port).acceptsConnections()).isTrue();
        }
        assertThat(new DaemonProbe("tcp://127.0.0.1:" + port).acceptsConnections()).isFalse();
    }
}
