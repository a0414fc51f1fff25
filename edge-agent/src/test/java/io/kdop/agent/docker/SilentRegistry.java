package io.kdop.agent.docker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A "registry" on loopback that accepts connections and never answers: Docker's pull of an image
 * from it hangs until the registry is closed (then it fails), as over a stalled uplink.
 */
final class SilentRegistry implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());

    SilentRegistry() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("silent-registry").start(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (IOException closed) {
                // closed by the test
            }
        });
    }

    /** An image reference served (never) by this registry. */
    String image(String repository) {
        return "127.0.0.1:" + server.getLocalPort() + "/" + repository;
    }

    /** Whether Docker has connected: its pull is under way. */
    boolean pulling() {
        return !accepted.isEmpty();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
