package io.kdop.hub.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The hub's probe endpoint for its pod: {@code GET /healthz} (liveness: the process can still do
 * its job, or restarting it would help) and {@code GET /readyz} (readiness: agents are served and
 * the controllers run). 200 with "ok", or 503 with the reason in one line. Plain HTTP on its own
 * port: the kubelet probes it from the node, and it says nothing secret.
 */
public final class HealthEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("kdop-health").daemon().factory());

    /**
     * @param alive the reason the hub is broken beyond repair by waiting, if it is
     * @param ready the reason the hub cannot take work yet, if it cannot
     */
    public HealthEndpoint(InetSocketAddress address, Supplier<Optional<String>> alive,
            Supplier<Optional<String>> ready) throws IOException {
        server = HttpServer.create(address, 16);
        server.createContext("/healthz", exchange -> answer(exchange, alive.get()));
        server.createContext("/readyz", exchange -> answer(exchange, ready.get()));
        server.setExecutor(executor);
    }

    public void start() {
        server.start();
    }

    /** The bound port (the one asked for, or the one chosen for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Optional<String> problem) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = (problem.orElse("ok") + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(problem.isPresent() ? 503 : 200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
