package io.kdop.proto.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A "container" listening on loopback for the tunnel tests, and the sha256-checked echo they send through it. */
final class LoopbackContainer implements AutoCloseable {

    /** What the container does with each connection. */
    interface Serving {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService threads;

    LoopbackContainer(ExecutorService threads) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.threads = threads;
    }

    SocketAddress address() {
        return server.getLocalSocketAddress();
    }

    /** The next connection, for a test that serves it itself. */
    Socket accept() throws IOException {
        return server.accept();
    }

    /** Serves every connection that comes, each on its own thread, until closed. */
    void serve(Serving serving) {
        threads.submit(() -> {
            while (!server.isClosed()) {
                Socket socket = server.accept();
                threads.submit(() -> {
                    try (socket) {
                        serving.serve(socket);
                    }
                    return null;
                });
            }
            return null;
        });
    }

    /** Echoes until the client's half-close, then half-closes. */
    static void echoUntilEnd(Socket socket) throws IOException {
        socket.getInputStream().transferTo(socket.getOutputStream());
        socket.shutdownOutput();
    }

    /** Sends `bytes` random bytes on the client, half-closes, reads until the end: the sha256 both ways. */
    static byte[][] echo(Socket client, int bytes, long seed, ExecutorService threads) throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Future<byte[]> received = threads.submit(() -> {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[32 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return digest.digest();
        });
        Random random = new Random(seed);
        OutputStream out = client.getOutputStream();
        byte[] chunk = new byte[16 * 1024];
        for (int left = bytes; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            out.write(chunk);
            sent.update(chunk);
        }
        client.shutdownOutput();
        return new byte[][] {sent.digest(), received.get(60, TimeUnit.SECONDS)};
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
