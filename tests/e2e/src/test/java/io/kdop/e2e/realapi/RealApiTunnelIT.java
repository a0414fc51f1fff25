package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.KdopOnRealKube;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.TcpClient;
import io.kdop.e2e.support.Teardown;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's first example on a real API server: a DockerContainer with {@code services} gets the
 * Service tunnel-NAME, the API server accepts its EndpointSlice, the hub's ServiceAccount may
 * write both, a connection to the hub's port behind it reaches the container, and deleting the
 * DockerContainer lets the garbage collector take the Service.
 */
class RealApiTunnelIT {

    private static final String CONTAINER = "kdop-realtunnel-web";

    private static KdopOnRealKube kdop;
    private static RealKube kube;
    private static String ns;

    @BeforeAll
    static void installKdopWithAJoinedHost() {
        kdop = KdopOnRealKube.install(RealApiTunnelIT.class);
        kube = kdop.kube();
        ns = kube.freshNamespace("tunnel");
        kdop.joinHost(ns, "edge-1");
    }

    @AfterAll
    static void uninstall() {
        Teardown.closeAll(kdop, () -> DockerCli.removeAll(CONTAINER));
    }

    @Test
    void aContainersServicesBecomeAServiceWhoseConnectionsReachTheContainer() {
        kube.kubectlWithInput("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerContainer
                metadata:
                  name: web
                spec:
                  image: kdop-test/busybox:1
                  containerName: %s
                  command: ["sh", "-c", "echo hello-through-kubernetes > /tmp/index.html && exec httpd -f -p 80 -h /tmp"]
                  dockerHostRef: edge-1
                  services:
                    - name: http
                      port: 80
                      targetPort: 80
                """.formatted(CONTAINER), "apply", "-n", ns, "-f", "-").orFail();
        kdop.awaitJsonPath(ns, "dockercontainer", "web", "{.status.phase}", "Running");
        await("Service tunnel-web").atMost(KdopOnRealKube.TIMEOUT)
                .until(() -> kube.kubectl("get", "service", "tunnel-web", "-n", ns).ok());

        assertThat(kube.kubectl("get", "service", "tunnel-web", "-n", ns).orFail().lines().toList().get(1))
                .containsPattern("^tunnel-web\\s+ClusterIP\\s+10\\.96\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP\\s+");
        assertThat(kdop.jsonPath(ns, "service", "tunnel-web",
                "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}")).isEqualTo("DockerContainer/web");
        String slice = kube.kubectl("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=tunnel-web",
                "-o", "jsonpath={.items[0].ports[0].name} {.items[0].ports[0].port} {.items[0].endpoints[0].addresses[0]}")
                .orFail();
        String[] parts = slice.split(" ");
        assertThat(parts[0]).isEqualTo("http");
        assertThat(parts[2]).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        int listener = Integer.parseInt(parts[1]);
        assertThat(kdop.jsonPath(ns, "service", "tunnel-web", "{.spec.ports[0].targetPort}"))
                .isEqualTo(String.valueOf(listener));

        assertThat(TcpClient.httpGet(listener, "/index.html")).contains("200 OK").contains("hello-through-kubernetes");

        kube.kubectl("delete", "dockercontainer", "web", "-n", ns, "--timeout=60s").orFail();
        await("Service tunnel-web collected with its owner").atMost(KdopOnRealKube.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !kube.kubectl("get", "service", "tunnel-web", "-n", ns).ok());
        assertThat(kdop.permissionDenials()).isEmpty();
    }
}
