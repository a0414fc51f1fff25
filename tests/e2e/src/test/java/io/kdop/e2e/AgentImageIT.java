package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cli;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent as a user starts it on a Docker host: the image that scripts/build-images.sh builds,
 * run by the container form of the join command pasted from the join Secret.
 */
class AgentImageIT {

    private static final String PREFIX = "kdop-image-";
    private static final String AGENT = PREFIX + "agent";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final String VERSION = System.getProperty("kdop.version");

    @BeforeAll
    static void buildImages() {
        Docker.requireDaemon();
        Cli.run(Duration.ofMinutes(5), Repository.root().resolve("scripts/build-images.sh").toString()).orFail();
    }

    @Test
    void theAgentImageJoinsRunsAWorkloadKeepsTheTokenOutOfInspectAndComesBackAfterACrash() throws Exception {
        String version = VERSION;
        Path work = Repository.emptyDirectory("tests/e2e/target/agent-image");
        DockerCli.removeAll(PREFIX);
        // no --agent-image: the hub names the image of its own version, read from its jar
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"))) {
            Cluster cluster = new Cluster(api.client());
            cluster.createHost("img", null);
            String token = cluster.awaitJoinToken("img");
            String line = cluster.secretValue("img-join", "join-command-docker");
            assertThat(line).contains("kdop/edge-agent:" + version, "--restart unless-stopped");

            // pasted on the Docker host (here: with a state directory and a name of the test's own)
            String pasted = line.replace("/var/lib/kdop-agent", work.resolve("state").toAbsolutePath().toString())
                    .replace("--name kdop-agent", "--name " + AGENT).replace("rm -f kdop-agent ", "rm -f " + AGENT + " ");
            Cli.run(Duration.ofMinutes(1), "sh", "-c", pasted).orFail();
            cluster.awaitPhase("img", "Connected", TIMEOUT);
            // with a secret volume: the agent writes the files in its container, Docker mounts them
            // from the host, which works because the state directory has the same path on both
            cluster.secret("app-secret", java.util.Map.of("password", "s3cr3t"));
            cluster.apply("web", Specs.image("kdop-test/busybox:1").name(PREFIX + "web").command("sleep", "3600")
                    .secretVolume("app-secret", "/etc/app").host("img").build());
            cluster.awaitContainer("web", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
            String web = DockerCli.id(PREFIX + "web");
            assertThat(DockerCli.exec(PREFIX + "web", "cat", "/etc/app/password").strip()).isEqualTo("s3cr3t");
            hostMountsAreResolvedOnTheHostFromInsideTheAgentsContainer(cluster, work.toRealPath());

            String secret = token.substring(token.lastIndexOf('.') + 1);
            assertThat(Cli.run(Duration.ofSeconds(30), "docker", "inspect", AGENT).orFail())
                    .as("docker inspect of the agent's container").doesNotContain(secret);
            assertThat(DockerCli.inspect(AGENT, "{{.Config.User}}")).isEqualTo("65532:65532");
            long rss = residentKib(DockerCli.inspect(AGENT, "{{.State.Pid}}"));
            System.out.printf("agent in its image: VmRSS %d KiB with one container%n", rss);
            assertThat(rss).as("the agent's resident memory, KiB").isBetween(10_000L, 400_000L);

            // a crash (not a docker stop, which the restart policy respects): Docker starts it again,
            // it resumes its session with the stored identity, and the workload is left alone
            int sessions = sessionsOpened(work);
            Cli.run(Duration.ofSeconds(10), "kill", "-9", DockerCli.inspect(AGENT, "{{.State.Pid}}")).orFail();
            await("the agent's container restarted").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> Integer.parseInt(DockerCli.inspect(AGENT, "{{.RestartCount}}")) >= 1
                            && DockerCli.running(AGENT));
            await("the agent's session back").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> sessionsOpened(work) > sessions);
            cluster.awaitPhase("img", "Connected", TIMEOUT);
            assertThat(DockerCli.id(PREFIX + "web")).as("the workload's container, untouched").isEqualTo(web);
            Cli.Result logs = Cli.run(Duration.ofSeconds(30), "docker", "logs", AGENT);
            assertThat(logs.stdout() + logs.stderr()).contains("already joined with token");

            // the Docker daemon restarts (an upgrade, a reboot): Docker brings the agent back by its
            // restart policy, the agent its workload, and nothing runs twice
            int before = sessionsOpened(work);
            restartDockerDaemon();
            await("the agent's session back after the daemon's restart").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(500)).until(() -> sessionsOpened(work) > before);
            cluster.awaitContainer("web", "Running again", s -> "Running".equals(s.phase()), TIMEOUT);
            assertThat(DockerCli.running(PREFIX + "web")).isTrue();
            assertThat(Cli.run(Duration.ofSeconds(30), "docker", "ps", "-aq", "--filter", "name=^/" + PREFIX).orFail()
                    .lines().filter(l -> !l.isBlank()).count()).as("the agent and its one workload, nothing twice")
                    .isEqualTo(2);
        } finally {
            DockerCli.removeAll(PREFIX);
        }
    }

    /**
     * The container form sees the host's "/" at /host: a link to the agent's state directory is
     * refused, a link elsewhere is mounted from where it leads, and a path the agent cannot find
     * there is refused rather than taken as missing (it may be on a file system mounted since).
     */
    private static void hostMountsAreResolvedOnTheHostFromInsideTheAgentsContainer(Cluster cluster, Path work)
            throws Exception {
        Path shared = Files.createDirectories(work.resolve("shared"));
        Files.createSymbolicLink(shared.resolve("link"), work.resolve("state"));
        Path data = Files.createDirectories(work.resolve("data"));
        Files.createSymbolicLink(shared.resolve("data"), data);
        cluster.apply("thief", Specs.image("kdop-test/busybox:1").name(PREFIX + "thief").command("sleep", "3600")
                .volume(shared + "/link", "/loot").host("img").build());
        cluster.apply("reader", Specs.image("kdop-test/busybox:1").name(PREFIX + "reader").command("sleep", "3600")
                .volume(shared + "/data", "/data").host("img").build());
        cluster.apply("early", Specs.image("kdop-test/busybox:1").name(PREFIX + "early").command("sleep", "3600")
                .volume(shared + "/not-yet", "/data").host("img").build());

        assertThat(cluster.awaitContainer("thief", "refused", s -> "HostPathRefused".equals(Cluster.readyReason(s)),
                TIMEOUT).message()).contains("resolves to " + work.resolve("state"), "the agent's state directory");
        assertThat(cluster.awaitContainer("early", "refused", s -> "HostPathRefused".equals(Cluster.readyReason(s)),
                TIMEOUT).message()).contains("there is nothing at " + shared + "/not-yet", "create it on the host");
        cluster.awaitContainer("reader", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        assertThat(DockerCli.inspect(PREFIX + "reader", "{{range .HostConfig.Binds}}{{println .}}{{end}}"))
                .isEqualTo(data + ":/data:rw");
        assertThat(DockerCli.id(PREFIX + "thief")).isNull();
        assertThat(DockerCli.id(PREFIX + "early")).isNull();
        for (String name : new String[] {"thief", "reader", "early"}) {
            cluster.deleteContainer(name, TIMEOUT);
        }
    }

    @Test
    void bothImagesCarryTheProjectsVersionAndTheAgentOwnsItsStateDirectoryOnANamedVolume() {
        assertThat(Cli.run(Duration.ofSeconds(60), "docker", "run", "--rm", "kdop/hub:" + VERSION, "--version")
                .orFail()).contains("kdop-hub " + VERSION);
        assertThat(Cli.run(Duration.ofSeconds(60), "docker", "run", "--rm", "kdop/edge-agent:" + VERSION,
                "--version").orFail()).contains("kdop-edge-agent " + VERSION);
        // a fresh named volume takes the image directory's owner: the non-root agent can lock and
        // write its state (it then stops with 2: no token and no stored identity), not 1 (cannot write)
        String volume = PREFIX + "state-" + ProcessHandle.current().pid();
        try {
            Cli.Result run = Cli.run(Duration.ofSeconds(60), "docker", "run", "--rm", "-v",
                    volume + ":/var/lib/kdop-agent", "kdop/edge-agent:" + VERSION, "join", "--hub", "127.0.0.1:1");
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.stdout() + run.stderr()).contains("no stored identity");
        } finally {
            Cli.run(Duration.ofSeconds(30), "docker", "volume", "rm", "-f", volume);
        }
    }

    @Test
    void theSystemdFormInstallsTheAgentFromItsImageWithAUnitSystemdAccepts() throws Exception {
        Path work = Repository.emptyDirectory("tests/e2e/target/agent-image-systemd").toAbsolutePath();
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"),
                        "--agent-image", "kdop/edge-agent:" + VERSION)) {
            Cluster cluster = new Cluster(api.client());
            cluster.createHost("svc", null);
            cluster.awaitJoinToken("svc");
            String line = cluster.secretValue("svc-join", "join-command-systemd");

            // pasted on a host, with this machine's system directories swapped for the test's own
            // and systemctl recording what it is asked (no systemd runs as PID 1 here)
            Path bin = Files.createDirectories(work.resolve("bin"));
            Files.writeString(bin.resolve("systemctl"), "#!/bin/sh\necho \"$@\" >> " + work.resolve("systemctl.calls") + "\n");
            bin.resolve("systemctl").toFile().setExecutable(true);
            Files.createDirectories(work.resolve("units"));
            String pasted = line.replace("/opt/kdop-agent", work.resolve("install").toString())
                    .replace("/var/lib/kdop-agent", work.resolve("state").toString())
                    .replace("/etc/systemd/system", work.resolve("units").toString())
                    .replace("kdop-agent-install", PREFIX + "install");
            Cli.Result installed = Cli.run(java.util.Map.of("PATH", bin + ":" + System.getenv("PATH")), null,
                    Duration.ofMinutes(2), java.util.List.of("sh", "-c", pasted));
            assertThat(installed.exit()).as(installed.toString()).isZero();

            assertThat(Files.readString(work.resolve("systemctl.calls"))).isEqualTo("daemon-reload\nenable --now kdop-agent\n");
            Path unit = work.resolve("units/kdop-agent.service");
            assertThat(Files.readString(unit)).contains("ExecStart=" + work.resolve("install/java/bin/java"));
            Cli.Result verify = Cli.run(Duration.ofSeconds(60), "systemd-analyze", "verify", unit.toString());
            assertThat(verify.exit()).as(verify.toString()).isZero();
            assertThat(verify.stdout() + verify.stderr()).as("what systemd says of the unit").doesNotContain("kdop-agent.service");
            assertThat(Cli.run(Duration.ofSeconds(60), work.resolve("install/java/bin/java").toString(), "-jar",
                    work.resolve("install/kdop-edge-agent.jar").toString(), "--version").orFail())
                    .contains("kdop-edge-agent " + VERSION);
            assertThat(Files.readString(work.resolve("state/join-token"))).startsWith("kdop1.");
            assertThat(Files.getPosixFilePermissions(work.resolve("state/join-token")))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        } finally {
            DockerCli.removeAll(PREFIX);
        }
    }

    /**
     * Stops the shared Docker daemon with SIGTERM, as its service manager would, and starts it
     * again the way it was started: by systemd where it runs the daemon, else by
     * scripts/setup-machine.sh (the CI machine's).
     */
    private static void restartDockerDaemon() throws Exception {
        if (Cli.run(Duration.ofSeconds(10), "systemctl", "is-active", "--quiet", "docker").exit() == 0) {
            Cli.run(Duration.ofMinutes(2), "systemctl", "restart", "docker").orFail();
            return;
        }
        String pid = Files.readString(Path.of("/var/run/docker.pid")).strip();
        try {
            Cli.run(Duration.ofSeconds(10), "kill", "-TERM", pid).orFail();
            await("dockerd stopped").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !Files.exists(Path.of("/proc", pid)));
        } finally {
            // whatever happened above, the tests after this one need a daemon
            Cli.run(Duration.ofMinutes(2), Repository.root().resolve("scripts/setup-machine.sh").toString()).orFail();
        }
    }

    /** How many agent sessions the hub has opened so far (its log says so once per session). */
    private static int sessionsOpened(Path work) throws java.io.IOException {
        return Files.readString(work.resolve("hub.log")).split("session opened: ", -1).length - 1;
    }

    private static long residentKib(String pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }
}
