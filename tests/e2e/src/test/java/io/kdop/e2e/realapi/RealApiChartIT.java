package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.Cli;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Repository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The user installs kdop with Helm: lint and template, then helm install / upgrade / uninstall on
 * the real API server. No kubelet runs there, so the test starts the hub the way the chart's pod
 * would (the Deployment's own arguments and environment, a token of the chart's ServiceAccount)
 * and an agent joins it.
 */
class RealApiChartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String RELEASE = "kdop-chart";
    private static final String FULLNAME = "kdop-chart-hub";

    @Test
    void installServeUpgradeAndUninstallTheChart() throws Exception {
        Docker.requireDaemon();
        try (RealKube kube = RealKube.require()) {
            Path work = Repository.emptyDirectory("tests/e2e/target/real-api/RealApiChartIT");
            String chart = Repository.root().resolve("charts/kdop-hub").toString();
            String ns = kube.freshNamespace("kdop-chart");
            try {
                installServeUpgradeUninstall(kube, work, chart, ns);
            } finally {
                // whatever happened: no release, no finalizer without a hub, no namespace left behind
                kube.helm("uninstall", RELEASE, "-n", ns, "--ignore-not-found");
                kube.kubectl("patch", "dockerhost", "edge-1", "-n", ns, "--type=merge", "-p",
                        "{\"metadata\":{\"finalizers\":null}}");
                kube.deleteNamespaces(TIMEOUT);
            }
        }
    }

    private static void installServeUpgradeUninstall(RealKube kube, Path work, String chart, String ns)
            throws Exception {
        int grpcPort = Ports.free();
        String address = "127.0.0.1:" + grpcPort;

        // a cluster without kdop, as in docs/install.md: the tier's other tests applied the CRDs with
        // kubectl (Helm 4 then refuses to take them over without --force-conflicts), and a failed
        // earlier run on a kept control plane leaves the release's cluster-wide objects
        kube.kubectl("delete", "-f", Repository.root().resolve("charts/kdop-hub/crds").toString(),
                "--ignore-not-found", "--timeout=60s").orFail();
        kube.kubectl("delete", "clusterrole,clusterrolebinding", "-l", "app.kubernetes.io/instance=" + RELEASE,
                "--ignore-not-found").orFail();

        // lint and template: the one required value is asked for by name
        kube.helm("lint", chart, "--set", "hub.publicAddress=" + address).orFail();
        Cli.Result unset = kube.helm("template", RELEASE, chart, "-n", ns);
        assertThat(unset.ok()).isFalse();
        assertThat(unset.stderr()).contains("set hub.publicAddress to the host:port your Docker hosts dial");
        // behind a TLS-passthrough Ingress, the agents' Service stays inside the cluster
        String passthrough = kube.helm("template", RELEASE, chart, "-n", ns, "--set", "hub.publicAddress=hub.example.org:443",
                "--set", "ingress.enabled=true", "--set", "ingress.host=hub.example.org").orFail();
        assertThat(passthrough).contains("kind: Ingress", "nginx.ingress.kubernetes.io/ssl-passthrough: \"true\"",
                "host: hub.example.org", "type: ClusterIP").doesNotContain("nodePort:");

        // install: every object the chart ships is accepted by the real API server
        kube.helm("install", RELEASE, chart, "-n", ns, "--set", "hub.publicAddress=" + address,
                "--set", "hub.heartbeatInterval=1s", "--set", "hub.heartbeatGrace=4s").orFail();
        JsonNode deployment = json(kube.kubectl("get", "deployment", FULLNAME, "-n", ns, "-o", "json").orFail());
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertThat(pod.at("/serviceAccountName").asText()).isEqualTo(FULLNAME);
        assertThat(container.at("/image").asText()).isEqualTo("kdop/hub:" + System.getProperty("kdop.version"));
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(kube.kubectl("get", "service", FULLNAME + "-agents", "-n", ns, "-o",
                "jsonpath={.spec.type} {.spec.ports[0].nodePort}").orFail()).isEqualTo("NodePort 30000");
        assertThat(kube.kubectl("get", "crd", "dockerhosts.kdop.io.vn").ok()).isTrue();

        // the pod, without a kubelet: its arguments and environment, its ServiceAccount's token;
        // the pod's ports are remapped to free ones on this shared machine
        int healthPort = Ports.free();
        List<String> args = new ArrayList<>();
        for (JsonNode arg : container.at("/args")) {
            args.add(arg.asText().replace("--grpc-port=9443", "--grpc-port=" + grpcPort)
                    .replace("--health-port=8080", "--health-port=" + healthPort));
        }
        Map<String, String> env = new HashMap<>();
        for (JsonNode variable : container.at("/env")) {
            if (variable.has("value")) {
                env.put(variable.at("/name").asText(), variable.at("/value").asText());
            }
        }
        env.remove("JAVA_TOOL_OPTIONS"); // the tests' JVM options instead: small and quick to start
        env.put("POD_IP", "127.0.0.1");
        Path kubeconfig = kube.kubeconfigOf(FULLNAME, ns, work);
        try (HubProcess hub = HubProcess.startAsPod(kubeconfig, args, env, grpcPort, healthPort,
                work.resolve("hub.log"))) {
            HttpClient http = HttpClient.newHttpClient();
            await("the hub's readiness probe").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> probe(http, healthPort, "/readyz") == 200);
            assertThat(probe(http, healthPort, "/healthz")).isEqualTo(200);

            // NOTES.txt's two commands, then the join command pasted on the Docker host
            kube.kubectlWithInput("""
                    apiVersion: kdop.io.vn/v1alpha1
                    kind: DockerHost
                    metadata:
                      name: edge-1
                    """, "apply", "-n", ns, "-f", "-").orFail();
            await("the join Secret").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> kube.kubectl("get", "secret", "edge-1-join", "-n", ns).ok());
            String token = new String(Base64.getDecoder().decode(kube.kubectl("get", "secret", "edge-1-join",
                    "-n", ns, "-o", "jsonpath={.data.token}").orFail()), StandardCharsets.UTF_8);
            try (AgentProcess agent = AgentProcess.join(address, token, work.resolve("agent-state"),
                    work.resolve("agent.log"))) {
                await("edge-1 Connected").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                        .until(() -> kube.kubectl("get", "dockerhost", "edge-1", "-n", ns, "-o",
                                "jsonpath={.status.phase}").stdout().equals("Connected"));
                String wide = kube.kubectl("get", "dockerhosts", "-n", ns, "-o", "wide").orFail();
                assertThat(wide.lines().findFirst().orElseThrow()).contains("AGENT");
                assertThat(wide).contains(System.getProperty("kdop.version"));
            }
            // the chart's RBAC is all the hub needed: the API server refused it nothing
            assertThat(Files.readString(work.resolve("hub.log"))).doesNotContainIgnoringCase("forbidden")
                    .doesNotContain("system:serviceaccount:" + ns + ":" + FULLNAME + "\" cannot");
        }

        // upgrade: a changed value reaches the Deployment's arguments
        kube.helm("upgrade", RELEASE, chart, "-n", ns, "--reuse-values", "--set", "hub.heartbeatInterval=2s")
                .orFail();
        assertThat(kube.kubectl("get", "deployment", FULLNAME, "-n", ns, "-o",
                "jsonpath={.spec.template.spec.containers[0].args}").orFail()).contains("--heartbeat-interval=2s");
        assertThat(kube.helm("history", RELEASE, "-n", ns).orFail()).contains("Upgrade complete");

        // uninstall: the hub's objects go; CRDs (and so the users' objects) stay, as Helm does
        kube.helm("uninstall", RELEASE, "-n", ns).orFail();
        await("the chart's objects deleted").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> !kube.kubectl("get", "deployment", FULLNAME, "-n", ns).ok()
                        && !kube.kubectl("get", "clusterrole", FULLNAME).ok()
                        && !kube.kubectl("get", "serviceaccount", FULLNAME, "-n", ns).ok());
        assertThat(kube.kubectl("get", "service", FULLNAME + "-agents", "-n", ns).ok()).isFalse();
        assertThat(kube.kubectl("get", "crd", "dockerhosts.kdop.io.vn").ok()).isTrue();
        assertThat(kube.kubectl("get", "dockerhost", "edge-1", "-n", ns).ok()).isTrue();
    }

    private static int probe(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static JsonNode json(String text) throws java.io.IOException {
        return new ObjectMapper().readTree(text);
    }
}
