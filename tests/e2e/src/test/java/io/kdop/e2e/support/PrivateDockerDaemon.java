package io.kdop.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Docker daemon of the test's own, so that a test can stop and restart "the host's Docker"
 * without touching the daemon every other test uses. It has its own socket, data and exec roots,
 * and its own network namespace: a second daemon in the host's namespace would take over (or,
 * with --bridge=none, delete) the shared daemon's docker0 bridge. Needs root, as dockerd does.
 */
public final class PrivateDockerDaemon implements AutoCloseable {

    /** Containers are stopped this fast when the daemon stops: a test need not wait out Docker's 15 s default. */
    private static final String SHUTDOWN_TIMEOUT = "2";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final String netns;
    /** Whether this daemon made its network namespace (and so removes it). */
    private final boolean ownsNetns;
    private final List<String> extraArgs;
    private final Path execRoot;
    private final Path log;
    private Process dockerd;

    private PrivateDockerDaemon(Path dir) {
        this(dir, null, List.of());
    }

    private PrivateDockerDaemon(Path dir, String netns, List<String> extraArgs) {
        this.dir = dir;
        String suffix = Long.toString(ProcessHandle.current().pid()) + "-" + ThreadLocalRandom.current().nextInt(1000);
        this.ownsNetns = netns == null;
        this.netns = netns == null ? "kdop-e2e-" + suffix : netns;
        this.extraArgs = List.copyOf(extraArgs);
        // containerd's socket lives under the exec root: keep it short (unix socket paths are limited)
        this.execRoot = Path.of("/run", "kdop-e2e-" + suffix);
        this.log = dir.resolve("dockerd.log");
    }

    /**
     * Starts a daemon under {@code dir} and loads the given images from the shared daemon into it.
     * Needs root (dockerd, network namespaces): skipped without it on a developer's machine, a
     * failure in CI, which runs as root.
     */
    public static PrivateDockerDaemon start(Path dir, String... images) {
        Docker.requireRoot("a private dockerd");
        PrivateDockerDaemon daemon = new PrivateDockerDaemon(dir);
        must("ip", "netns", "add", daemon.netns);
        try {
            must("ip", "netns", "exec", daemon.netns, "ip", "link", "set", "lo", "up");
            daemon.startDockerd();
            daemon.load(images);
            return daemon;
        } catch (RuntimeException | Error e) {
            daemon.close(); // no dockerd, netns or exec root left behind by a start that failed half-way
            throw e;
        }
    }

    /**
     * Starts a daemon in the given namespace that also listens on TCP with mutual TLS, as a remote
     * Docker host does: {@code --tlsverify} with the given CA, certificate and key files, on
     * {@code tcp://ADDRESS:PORT} (reached over the namespace's link), with the given images loaded
     * from the shared daemon. Its Unix socket stays for the test's own docker commands.
     */
    public static PrivateDockerDaemon startWithTls(Path dir, NetworkNamespace namespace, int port, Path caPem,
            Path certPem, Path keyPem, String... images) {
        Docker.requireRoot("a private dockerd");
        PrivateDockerDaemon daemon = new PrivateDockerDaemon(dir, namespace.name(), List.of(
                "--host", "tcp://" + namespace.innerAddress() + ":" + port,
                "--tlsverify", "--tlscacert", caPem.toString(), "--tlscert", certPem.toString(),
                "--tlskey", keyPem.toString()));
        try {
            daemon.startDockerd();
            daemon.load(images);
            return daemon;
        } catch (RuntimeException | Error e) {
            daemon.close();
            throw e;
        }
    }

    /** Loads images from the shared daemon, which has the test images: nothing is pulled from anywhere. */
    private void load(String... images) {
        for (String image : images) {
            must("sh", "-c", "docker save " + image + " | docker -H " + uri() + " load");
        }
    }

    /** The URI the agent is given with --docker-host. */
    public String uri() {
        return "unix://" + dir.resolve("docker.sock");
    }

    /** Stops the daemon as a host's service manager does (SIGTERM); it stops its containers first. */
    public void stop() {
        if (dockerd == null) {
            return;
        }
        dockerd.destroy();
        try {
            if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly();
                dockerd.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dockerd = null;
    }

    /** Starts the stopped daemon again, with the same data: containers with a restart policy come back. */
    public void restart() {
        stop();
        startDockerd();
    }

    /** {@code docker -H <this daemon> ARGS...}. */
    public Docker.Result docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", uri()));
        command.addAll(List.of(args));
        return Docker.run(command.toArray(String[]::new));
    }

    /** docker inspect --format TEMPLATE NAME on this daemon, null when there is no such container (as DockerCli). */
    public String inspect(String container, String template) {
        return DockerCli.inspected(container, docker("inspect", "--format", template, container));
    }

    /** The ids of the containers whose name starts with the prefix, running or not. */
    public List<String> containerIds(String namePrefix) {
        return docker("ps", "-aq", "--no-trunc", "--filter", "name=^/" + namePrefix).output().lines()
                .filter(l -> !l.isBlank()).toList();
    }

    private void startDockerd() {
        try {
            Files.createDirectories(dir);
            // nsenter enters only the network namespace: `ip netns exec` would also remount /sys,
            // hiding the cgroup mounts dockerd needs
            List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + netns, "dockerd",
                    "--host", uri(),
                    "--data-root", dir.resolve("data").toString(),
                    "--exec-root", execRoot.toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(),
                    "--iptables=false", "--ip-masq=false",
                    // should a system containerd be there, keep out of the shared daemon's namespaces
                    "--containerd-namespace", netns, "--containerd-plugins-namespace", netns + "-plugins",
                    "--shutdown-timeout", SHUTDOWN_TIMEOUT));
            command.addAll(extraArgs);
            dockerd = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dockerd", e);
        }
        await("the private dockerd answers (log " + log + ")").atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> dockerd.isAlive() && docker("version", "--format", "{{.Server.Version}}").exit() == 0);
    }

    @Override
    public void close() {
        try {
            for (String id : containerIds("")) {
                docker("rm", "-f", id);
            }
        } finally {
            stop();
            if (ownsNetns) {
                Docker.run("ip", "netns", "del", netns);
            }
            Docker.run("rm", "-rf", execRoot.toString(), dir.resolve("data").toString());
        }
    }

    private static void must(String... command) {
        Docker.Result r = Docker.run(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + r.output());
        }
    }
}
