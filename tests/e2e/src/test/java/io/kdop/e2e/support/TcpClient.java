package io.kdop.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/** What a pod does with a tunnelled Service: real TCP to the hub's listener behind it. */
public final class TcpClient {

    private TcpClient() {}

    /** GET path over HTTP/1.0 (the server closes when done): the whole response. */
    /**
     * Who answered {@code connections} requests for /index.html through a listener: the NAME of each
     * backend's "I-am-NAME" page, "(reset)" for a connection that was reset.
     */
    public static java.util.Set<String> whoAnswers(int port, int connections) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < connections; i++) {
            try {
                String response = httpGet(port, "/index.html");
                if (response.contains("I-am-")) {
                    names.add(response.substring(response.indexOf("I-am-") + 5).strip());
                }
            } catch (RuntimeException reset) {
                names.add("(reset)");
            }
        }
        return names;
    }

    public static String httpGet(int port, String path) {
        try (Socket socket = connect(port, Duration.ofSeconds(20))) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: tunnel\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " through port " + port, e);
        }
    }

    /** The digests of what was sent and what came back from an echo server. */
    public record Echo(String sent, String received, long bytesReceived) {}

    /**
     * Sends {@code bytes} pseudo-random bytes to an echo server while reading its answer, then
     * half-closes and reads to the end: the answer must be every byte, in order.
     */
    public static Echo echo(int port, long bytes, long seed) throws IOException {
        try (Socket socket = connect(port, Duration.ofSeconds(120))) {
            MessageDigest sent = sha256();
            MessageDigest received = sha256();
            long[] count = new long[1];
            Thread reader = Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    InputStream in = socket.getInputStream();
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        received.update(buffer, 0, n);
                        count[0] += n;
                    }
                } catch (IOException e) {
                    count[0] = -count[0] - 1;
                }
            });
            Random random = new Random(seed);
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = socket.getOutputStream();
            for (long left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                sent.update(chunk, 0, n);
            }
            socket.shutdownOutput();
            reader.join(Duration.ofSeconds(120));
            return new Echo(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest()),
                    count[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** How a connection ended when the client only read: its bytes, and whether it ended in a reset. */
    public record Ending(byte[] bytes, boolean reset, Duration after) {}

    public static Ending readUntilEnd(Socket socket) {
        long start = System.nanoTime();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean reset = false;
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the connection neither ended nor was reset in time", e);
        } catch (IOException e) {
            reset = true;
        }
        return new Ending(all.toByteArray(), reset, Duration.ofNanos(System.nanoTime() - start));
    }

    public static Socket connect(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
