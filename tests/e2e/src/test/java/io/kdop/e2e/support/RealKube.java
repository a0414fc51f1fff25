package io.kdop.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Kubernetes control plane of scripts/kube-up.sh (etcd, kube-apiserver with RBAC,
 * kube-controller-manager): kubectl and helm as a user types them, an admin client for the
 * test's own look at the cluster, and the hub's least-privilege credentials.
 *
 * <p>scripts/test.sh starts it and passes KDOP_KUBECONFIG (an admin kubeconfig) and
 * KDOP_KUBE_BIN (where kubectl and helm are). CI must never skip this tier.
 */
public final class RealKube implements AutoCloseable {

    public static final String HUB_RELEASE = "kdop";
    public static final String HUB_SERVICE_ACCOUNT = "kdop-hub";
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final Path adminKubeconfig;
    private final Path bin;
    private final KubernetesClient admin;
    private final List<String> namespaces = new ArrayList<>();

    private RealKube(Path adminKubeconfig, Path bin) {
        this.adminKubeconfig = adminKubeconfig;
        this.bin = bin;
        this.admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(adminKubeconfig))).build();
    }

    /** The running control plane; fails in CI and skips elsewhere when there is none. */
    public static RealKube require() {
        String kubeconfig = setting("KDOP_KUBECONFIG", "kdop.kubeconfig");
        String bin = setting("KDOP_KUBE_BIN", "kdop.kube.bin");
        boolean present = kubeconfig != null && bin != null && Files.isRegularFile(Path.of(kubeconfig))
                && Files.isExecutable(Path.of(bin, "kubectl"));
        String why = "no real API server: run scripts/kube-up.sh and set KDOP_KUBECONFIG and KDOP_KUBE_BIN"
                + " (scripts/test.sh does both)";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + why);
        }
        Assumptions.assumeTrue(present, why);
        RealKube kube = new RealKube(Path.of(kubeconfig), Path.of(bin));
        kube.kubectl("get", "--raw", "/readyz").orFail();
        return kube;
    }

    private static String setting(String variable, String property) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(variable);
    }

    public KubernetesClient admin() {
        return admin;
    }

    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** kubectl with the cluster admin's credentials, as the user who installs kdop. */
    public Cli.Result kubectl(String... args) {
        return kubectlAs(adminKubeconfig, null, args);
    }

    /** kubectl ARGS with the text on its standard input (kubectl apply -f -). */
    public Cli.Result kubectlWithInput(String stdin, String... args) {
        return kubectlAs(adminKubeconfig, stdin, args);
    }

    public Cli.Result kubectlAs(Path kubeconfig, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve("kubectl").toString());
        command.addAll(List.of(args));
        return Cli.run(Map.of("KUBECONFIG", kubeconfig.toString()), stdin, CLI_TIMEOUT, command);
    }

    public Cli.Result helm(String... args) {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve("helm").toString());
        command.addAll(List.of(args));
        return Cli.run(Map.of("KUBECONFIG", adminKubeconfig.toString(), "HELM_CACHE_HOME", "/tmp/kdop-helm/cache",
                "HELM_CONFIG_HOME", "/tmp/kdop-helm/config", "HELM_DATA_HOME", "/tmp/kdop-helm/data"),
                null, Duration.ofMinutes(2), command);
    }

    /**
     * What installing kdop puts in the cluster before the hub starts: the committed CRDs
     * (kubectl apply -f charts/kdop-hub/crds/) and the chart's ServiceAccount and RBAC, rendered by helm.
     */
    public void installCrdsAndHubPermissions(String hubNamespace) {
        ensureNamespace(hubNamespace);
        kubectl("apply", "-f", Repository.root().resolve("charts/kdop-hub/crds").toString()).orFail();
        for (String crd : List.of("dockerhosts", "dockercontainers", "dockerjobs")) {
            kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/" + crd + ".kdop.io.vn").orFail();
        }
        String rendered = helm("template", HUB_RELEASE, Repository.root().resolve("charts/kdop-hub").toString(),
                "--namespace", hubNamespace, "--set", "hub.publicAddress=127.0.0.1:9443", // required, unused here
                "--show-only", "templates/serviceaccount.yaml",
                "--show-only", "templates/rbac.yaml").orFail();
        kubectlWithInput(rendered, "apply", "-f", "-").orFail();
    }

    /**
     * A kubeconfig holding only a token of the hub's ServiceAccount (as the pod of the chart's
     * Deployment would have), so that the hub can do exactly what the shipped RBAC allows.
     */
    public Path hubKubeconfig(String hubNamespace, Path dir) {
        return kubeconfigOf(HUB_SERVICE_ACCOUNT, hubNamespace, dir);
    }

    /** A kubeconfig holding only a token of this ServiceAccount. */
    public Path kubeconfigOf(String serviceAccount, String hubNamespace, Path dir) {
        String token = kubectl("create", "token", serviceAccount, "-n", hubNamespace, "--duration", "2h")
                .orFail().strip();
        String server = kubectl("config", "view", "--raw", "-o", "jsonpath={.clusters[0].cluster.server}").orFail();
        String ca = kubectl("config", "view", "--raw", "-o",
                "jsonpath={.clusters[0].cluster.certificate-authority-data}").orFail();
        Path file = dir.resolve("hub.kubeconfig");
        write(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kdop-test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: kdop-hub
                  user:
                    token: %s
                contexts:
                - name: kdop-hub
                  context:
                    cluster: kdop-test
                    user: kdop-hub
                    namespace: %s
                current-context: kdop-hub
                """.formatted(server, ca, token, hubNamespace));
        return file;
    }

    /** A namespace of this test's own (deleted on close), so that tests never see each other's objects. */
    public String freshNamespace(String prefix) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
        ensureNamespace(name);
        namespaces.add(name);
        return name;
    }

    public void ensureNamespace(String name) {
        if (admin.namespaces().withName(name).get() == null) {
            kubectl("create", "namespace", name).orFail();
        }
    }

    /**
     * Deletes the test's namespaces and waits until they are gone, which needs the hub still
     * running: it releases the finalizers on kdop's objects in them.
     */
    public void deleteNamespaces(Duration timeout) {
        for (String ns : namespaces) {
            kubectl("delete", "namespace", ns, "--wait=false");
        }
        for (String ns : namespaces) {
            await("namespace " + ns + " deleted").atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.namespaces().withName(ns).get() == null);
        }
        namespaces.clear();
    }

    @Override
    public void close() {
        admin.close();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
