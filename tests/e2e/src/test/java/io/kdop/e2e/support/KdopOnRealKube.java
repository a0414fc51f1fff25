package io.kdop.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * kdop installed on the real API server as a user installs it: the CRDs and the chart's RBAC
 * applied, the hub running as a process with its ServiceAccount's token only, and DockerHosts
 * joined by agents with the token read from their join Secret.
 */
public final class KdopOnRealKube implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final RealKube kube;
    private final Path work;
    private final Path hubKubeconfig;
    private final int port;
    private final List<AgentProcess> agents = new ArrayList<>();
    private HubProcess hub;
    private int hubStarts;

    private KdopOnRealKube(RealKube kube, Path work) {
        this.kube = kube;
        this.work = work;
        kube.installCrdsAndHubPermissions(HubProcess.NAMESPACE);
        this.hubKubeconfig = kube.hubKubeconfig(HubProcess.NAMESPACE, work);
        this.port = Ports.free();
        startHub();
    }

    /**
     * Installs kdop and starts its hub; fails in CI (skips elsewhere) without Docker or the real
     * API server. Logs and agent state go to tests/e2e/target/real-api/TEST, kept after the run
     * for whoever reads a failure.
     */
    public static KdopOnRealKube install(Class<?> test) {
        Docker.requireDaemon();
        RealKube kube = RealKube.require();
        return new KdopOnRealKube(kube, Repository.emptyDirectory("tests/e2e/target/real-api/" + test.getSimpleName()));
    }

    /** Where this test's logs and agent state directories are. */
    public Path work() {
        return work;
    }

    public RealKube kube() {
        return kube;
    }

    public HubProcess hub() {
        return hub;
    }

    /** The hub's logs of every start so far, oldest first. */
    public List<Path> hubLogs() {
        List<Path> logs = new ArrayList<>();
        for (int i = 1; i <= hubStarts; i++) {
            logs.add(work.resolve("hub-" + i + ".log"));
        }
        return logs;
    }

    /**
     * The lines of the hub's logs where the API server refused it for lack of a permission (RBAC
     * names the ServiceAccount in every such refusal): the chart's rules must leave none.
     */
    public List<String> permissionDenials() {
        String denied = "\"system:serviceaccount:" + HubProcess.NAMESPACE + ":" + RealKube.HUB_SERVICE_ACCOUNT
                + "\" cannot";
        List<String> lines = new ArrayList<>();
        for (Path log : hubLogs()) {
            try {
                Files.readAllLines(log).stream().filter(l -> l.contains(denied)).forEach(lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** Starts the hub (again) on the same port with the same credentials. */
    public HubProcess startHub() {
        hubStarts++;
        hub = HubProcess.start(hubKubeconfig, port, work.resolve("hub-" + hubStarts + ".log"));
        return hub;
    }

    /**
     * kubectl apply of a DockerHost, then on the "Docker host": the agent joins with the token from
     * its join Secret. Returns once the host is Connected.
     */
    public AgentProcess joinHost(String namespace, String name) {
        kube.kubectlWithInput("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerHost
                metadata:
                  name: %s
                """.formatted(name), "apply", "-n", namespace, "-f", "-").orFail();
        await("join Secret of " + name).atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> kube.kubectl("get", "secret", name + "-join", "-n", namespace).ok());
        String token = new String(Base64.getDecoder().decode(kube.kubectl("get", "secret", name + "-join", "-n",
                namespace, "-o", "jsonpath={.data.token}").orFail()), StandardCharsets.UTF_8);
        AgentProcess agent = AgentProcess.join(hub.address(), token, work.resolve("state-" + namespace + "-" + name),
                work.resolve("agent-" + namespace + "-" + name + ".log"));
        agents.add(agent);
        awaitJsonPath(namespace, "dockerhost", name, "{.status.phase}", "Connected");
        return agent;
    }

    /** kubectl get KIND NAME -n NAMESPACE -o jsonpath=PATH (empty when there is no such object). */
    public String jsonPath(String namespace, String kind, String name, String path) {
        return kube.kubectl("get", kind, name, "-n", namespace, "-o", "jsonpath=" + path).stdout();
    }

    public void awaitJsonPath(String namespace, String kind, String name, String path, String expected) {
        await(kind + " " + namespace + "/" + name + " " + path + " = " + expected).atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(300)).until(() -> expected.equals(jsonPath(namespace, kind, name, path)));
    }

    /** Deletes the test's namespaces while the hub still runs (it releases the finalizers), then stops everything. */
    @Override
    public void close() {
        try {
            kube.deleteNamespaces(TIMEOUT.multipliedBy(2));
        } finally {
            List<AutoCloseable> all = new ArrayList<>(agents);
            all.add(hub);
            all.add(kube);
            Teardown.closeAll(all.toArray(AutoCloseable[]::new));
        }
    }
}
