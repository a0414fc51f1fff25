package io.kdop.hub.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readinessFollowsTheHubAndSaysWhyNot() throws Exception {
        AtomicReference<Optional<String>> ready = new AtomicReference<>(Optional.of("controllers starting"));
        try (HealthEndpoint health = new HealthEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional::empty, ready::get)) {
            health.start();

            HttpResponse<String> starting = get(health, "/readyz", "GET");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.body()).isEqualTo("controllers starting\n");
            assertThat(get(health, "/healthz", "GET").statusCode()).isEqualTo(200);

            ready.set(Optional.empty());
            HttpResponse<String> serving = get(health, "/readyz", "GET");
            assertThat(serving.statusCode()).isEqualTo(200);
            assertThat(serving.body()).isEqualTo("ok\n");
        }
    }

    @Test
    void aBrokenHubFailsLivenessAndOnlyGetAndHeadAreAnswered() throws Exception {
        try (HealthEndpoint health = new HealthEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> Optional.of("the agents' port is closed"), Optional::empty)) {
            health.start();

            HttpResponse<String> broken = get(health, "/healthz", "GET");
            assertThat(broken.statusCode()).isEqualTo(503);
            assertThat(broken.body()).contains("the agents' port is closed");
            assertThat(get(health, "/healthz", "HEAD").statusCode()).isEqualTo(503);
            assertThat(get(health, "/readyz", "POST").statusCode()).isEqualTo(405);
        }
    }

    private HttpResponse<String> get(HealthEndpoint health, String path, String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
