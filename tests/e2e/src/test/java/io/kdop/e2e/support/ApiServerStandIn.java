package io.kdop.e2e.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Kubernetes API server of the tests: fabric8's mock server in CRUD mode, in this JVM, with
 * the committed CRDs applied and a kubeconfig file the hub process uses to reach it.
 */
public final class ApiServerStandIn implements AutoCloseable {

    // Held so the level sticks: java.util.logging keeps loggers only weakly.
    private final java.util.logging.Logger mockLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;

    public ApiServerStandIn(Path workDir) {
        mockLog.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        String url = client.getConfiguration().getMasterUrl();
        kubeconfig = workDir.resolve("kubeconfig");
        try {
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: standin
                      cluster:
                        server: %s
                    contexts:
                    - name: standin
                      context:
                        cluster: standin
                        user: standin
                        namespace: default
                    current-context: standin
                    users:
                    - name: standin
                      user:
                        token: e2e
                    """.formatted(url));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        applyCommittedCrds();
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The user's first step: kubectl apply -f charts/kdop-hub/crds/. */
    private void applyCommittedCrds() {
        try (Stream<Path> files = Files.list(Repository.root().resolve("charts/kdop-hub/crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
