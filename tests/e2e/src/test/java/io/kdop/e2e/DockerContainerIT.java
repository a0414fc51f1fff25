package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.HostPolicySpec;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user declares DockerContainers and the agent keeps them on the real Docker daemon as
 * declared; their true state shows in the resources' status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerContainerIT {

    static final String PREFIX = "kdop-e2e-";
    static final String IMAGE = "kdop-test/busybox:1";
    static final String REGISTRY_IMAGE = "127.0.0.1:5000/kdop/busybox:1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Path work;
    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;

    @BeforeAll
    void startHubAndAgent(@TempDir Path work) {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        this.work = work;
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"));
        cluster.createHost("edge-1", null);
        agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), work.resolve("state"),
                work.resolve("agent.log"));
        cluster.awaitPhase("edge-1", "Connected", TIMEOUT);
    }

    @AfterAll
    void stopAll() {
        Teardown.closeAll(agent, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void anAppliedContainerRunsAsDeclaredAndItsStatusIsTrue() {
        int port = Ports.free();
        cluster.apply("web", Specs.image(IMAGE).name(PREFIX + "web").command("httpd", "-f", "-p", "80", "-h", "/tmp")
                .env("GREETING=hello").port("127.0.0.1:" + port + ":80").host("edge-1")
                .healthCheck("1s", "CMD", "true").limits("0.5", "64Mi").build());

        DockerContainerStatus status = cluster.awaitContainer("web", "Running and healthy",
                s -> "Running".equals(s.phase()) && "healthy".equals(s.health()), TIMEOUT);

        assertThat(status.containerID()).isEqualTo(DockerCli.id(PREFIX + "web"));
        assertThat(status.ipv4()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(status.startedAt()).isNotBlank();
        assertThat(status.host()).isEqualTo("edge/edge-1");
        assertThat(Cluster.readyReason(status)).isEqualTo("Running");
        assertThat(DockerCli.env(PREFIX + "web")).contains("GREETING=hello");
        assertThat(DockerCli.inspect(PREFIX + "web", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}"))
                .isEqualTo("500000000 67108864");
        assertThat(DockerCli.inspect(PREFIX + "web", "{{(index (index .HostConfig.PortBindings \"80/tcp\") 0).HostPort}}"))
                .isEqualTo(String.valueOf(port));
        assertThat(DockerCli.inspect(PREFIX + "web", "{{index .Config.Labels \"kdop.io.vn/managed-by\"}}"))
                .isEqualTo("kdop-agent");
    }

    @Test
    void anUnhealthyContainerIsReportedAndNotReady() {
        cluster.apply("sick", Specs.image(IMAGE).name(PREFIX + "sick").command("sleep", "3600").host("edge-1")
                .healthCheck("1s", "CMD", "false").build());

        DockerContainerStatus s = cluster.awaitContainer("sick", "unhealthy", st -> "unhealthy".equals(st.health()), TIMEOUT);

        assertThat(s.phase()).isEqualTo("Running");
        assertThat(Cluster.readyReason(s)).isEqualTo("Unhealthy");
        assertThat(DockerCli.inspect(PREFIX + "sick", "{{.State.Health.Status}}")).isEqualTo("unhealthy");
    }

    @Test
    void aContainerChangedBehindKdopsBackIsPutBack() {
        cluster.apply("drifty", Specs.image(IMAGE).name(PREFIX + "drifty").command("sleep", "3600").env("MODE=declared")
                .host("edge-1").build());
        String original = cluster.awaitContainer("drifty", "Running", s -> "Running".equals(s.phase()), TIMEOUT)
                .containerID();
        String labels = DockerCli.inspect(PREFIX + "drifty", "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}\n{{end}}");

        // someone recreates it by hand, with kdop's labels but other env
        DockerCli.must("docker", "rm", "-f", PREFIX + "drifty");
        List<String> run = new java.util.ArrayList<>(List.of("docker", "run", "-d", "--name", PREFIX + "drifty",
                "-e", "MODE=tampered"));
        labels.lines().filter(l -> !l.isBlank()).forEach(l -> run.addAll(List.of("--label", l)));
        run.addAll(List.of(IMAGE, "sleep", "3600"));
        DockerCli.must(run.toArray(String[]::new));
        String tampered = DockerCli.id(PREFIX + "drifty");

        await("drift corrected").atMost(TIMEOUT).until(() -> {
            String id = DockerCli.id(PREFIX + "drifty");
            return id != null && !id.equals(tampered) && DockerCli.running(PREFIX + "drifty")
                    && DockerCli.env(PREFIX + "drifty").contains("MODE=declared");
        });
        assertThat(DockerCli.id(PREFIX + "drifty")).isNotEqualTo(original);
    }

    @Test
    void aChangedSpecRecreatesTheContainerButChangedMetadataDoesNot() {
        cluster.apply("app", Specs.image(IMAGE).name(PREFIX + "app").command("sleep", "3600").env("VERSION=1")
                .host("edge-1").build());
        DockerContainerStatus first = cluster.awaitContainer("app", "Running", s -> "Running".equals(s.phase()), TIMEOUT);

        // kubectl label dockercontainer app team=edge: metadata only
        api.client().resources(DockerContainer.class).inNamespace(Cluster.NS).withName("app").edit(dc -> {
            dc.getMetadata().setLabels(new java.util.HashMap<>(Map.of("team", "edge")));
            return dc;
        });
        cluster.awaitContainer("app", "status after the label", s -> "Running".equals(s.phase()), TIMEOUT);
        assertThat(DockerCli.id(PREFIX + "app")).isEqualTo(first.containerID());

        cluster.apply("app", Specs.image(IMAGE).name(PREFIX + "app").command("sleep", "3600").env("VERSION=2")
                .host("edge-1").build());
        DockerContainerStatus second = cluster.awaitContainer("app", "recreated",
                s -> "Running".equals(s.phase()) && !first.containerID().equals(s.containerID())
                        && "Running".equals(Cluster.readyReason(s)), TIMEOUT);
        assertThat(second.containerID()).isEqualTo(DockerCli.id(PREFIX + "app"));
        assertThat(DockerCli.env(PREFIX + "app")).contains("VERSION=2").doesNotContain("VERSION=1");

        // image, command and ports too
        int port = Ports.free();
        cluster.apply("app", Specs.image("kdop-test/busybox:2").name(PREFIX + "app").command("sleep", "7200")
                .env("VERSION=2").port("127.0.0.1:" + port + ":9000").host("edge-1").build());
        cluster.awaitContainer("app", "recreated again",
                s -> "Running".equals(s.phase()) && !second.containerID().equals(s.containerID())
                        && "Running".equals(Cluster.readyReason(s)), TIMEOUT);
        assertThat(DockerCli.inspect(PREFIX + "app", "{{.Config.Image}}")).isEqualTo("kdop-test/busybox:2");
        assertThat(DockerCli.inspect(PREFIX + "app", "{{join .Config.Cmd \" \"}}")).isEqualTo("sleep 7200");
        assertThat(DockerCli.inspect(PREFIX + "app", "{{(index (index .HostConfig.PortBindings \"9000/tcp\") 0).HostPort}}"))
                .isEqualTo(String.valueOf(port));
    }

    @Test
    void aContainerRemovedOrStoppedByHandComesBack() {
        cluster.apply("sturdy", Specs.image(IMAGE).name(PREFIX + "sturdy").command("sleep", "3600").host("edge-1").build());
        String original = cluster.awaitContainer("sturdy", "Running", s -> "Running".equals(s.phase()), TIMEOUT)
                .containerID();

        DockerCli.must("docker", "rm", "-f", PREFIX + "sturdy");
        await("recreated after docker rm -f").atMost(Duration.ofSeconds(20))
                .until(() -> DockerCli.running(PREFIX + "sturdy") && !original.equals(DockerCli.id(PREFIX + "sturdy")));

        DockerCli.must("docker", "stop", "-t", "1", PREFIX + "sturdy");
        await("running again after docker stop").atMost(Duration.ofSeconds(20))
                .until(() -> DockerCli.running(PREFIX + "sturdy"));
        String now = DockerCli.id(PREFIX + "sturdy");
        cluster.awaitContainer("sturdy", "status follows", s -> now.equals(s.containerID()) && "Running".equals(s.phase()),
                TIMEOUT);
    }

    @Test
    void aContainerItsHostsPolicyNoLongerAllowsIsTakenOffTheHost() {
        // the host's own namespace may use the host's network while the host sets no policy
        cluster.apply("hostnet", Specs.image(IMAGE).name(PREFIX + "hostnet").command("sleep", "3600").host("edge-1")
                .networkMode("host").build());
        cluster.awaitContainer("hostnet", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        assertThat(DockerCli.inspect(PREFIX + "hostnet", "{{.HostConfig.NetworkMode}}")).isEqualTo("host");
        try {
            hostPolicy(new HostPolicySpec(null, null, false, null));

            DockerContainerStatus s = cluster.awaitContainer("hostnet", "refused by the host's policy",
                    st -> "PolicyDenied".equals(Cluster.readyReason(st)), TIMEOUT);
            assertThat(s.message()).contains("DockerHost edge/edge-1", "spec.policy.allowHostNetwork is false");
            await("removed from the host").atMost(TIMEOUT).until(() -> DockerCli.id(PREFIX + "hostnet") == null);
        } finally {
            hostPolicy(null);
            cluster.deleteContainer("hostnet", TIMEOUT);
        }
    }

    private void hostPolicy(HostPolicySpec policy) {
        cluster.client().resources(DockerHost.class).inNamespace(Cluster.NS).withName("edge-1").edit(host -> {
            if (host.getSpec() == null) {
                host.setSpec(new io.kdop.hub.api.DockerHostSpec());
            }
            host.getSpec().setPolicy(policy);
            return host;
        });
    }

    @Test
    void deletingTheResourceRemovesTheContainerAndThenReleasesIt() {
        cluster.apply("brief", Specs.image(IMAGE).name(PREFIX + "brief").command("sleep", "3600").host("edge-1").build());
        cluster.awaitContainer("brief", "Running", s -> "Running".equals(s.phase()), TIMEOUT);

        cluster.deleteContainer("brief", TIMEOUT);

        assertThat(DockerCli.id(PREFIX + "brief")).as("container removed before the resource was released").isNull();
    }

    @Test
    void imagesFromAPrivateRegistryArePulledWithThePullSecretOnly() {
        cluster.registrySecret("regcred", "127.0.0.1:5000", "kdop-test", "kdop-test-password");
        cluster.apply("private", Specs.image(REGISTRY_IMAGE).name(PREFIX + "private").command("sleep", "3600")
                .pullSecret("regcred").host("edge-1").build());
        // the same private image without the pull secret, always pulled (a copy on the host would
        // otherwise be used, as Docker does for any container of that host)
        cluster.apply("no-creds", Specs.image(REGISTRY_IMAGE).name(PREFIX + "no-creds").pullPolicy("Always")
                .command("sleep", "3600").host("edge-1").build());

        cluster.awaitContainer("private", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        DockerContainerStatus denied = cluster.awaitContainer("no-creds", "Failed",
                s -> "ImagePullFailed".equals(Cluster.readyReason(s)), TIMEOUT);

        assertThat(denied.message()).containsIgnoringCase("auth").doesNotContain("kdop-test-password");
        assertThat(DockerCli.running(PREFIX + "private")).isTrue();
    }

    @Test
    void invalidSpecsAreRefusedWithTheirOwnReasonAndNeverReachTheAgent() throws Exception {
        cluster.secret("has-a-key", Map.of("present", "x"));
        Map<String, Specs> bad = Map.of(
                "bad-port", Specs.image(IMAGE).port("80:80:80").host("edge-1"),
                "bad-cpu", Specs.image(IMAGE).limits("a lot", null).host("edge-1"),
                "bad-memory", Specs.image(IMAGE).limits(null, "12parsecs").host("edge-1"),
                "bad-duration", Specs.image(IMAGE).healthCheck("often", "CMD", "true").host("edge-1"),
                "no-secret", Specs.image(IMAGE).envFromSecret("X", "ghost", "k").host("edge-1"),
                "no-key", Specs.image(IMAGE).envFromSecret("X", "has-a-key", "absent").host("edge-1"),
                "no-host", Specs.image(IMAGE).host("atlantis"),
                "bad-path", Specs.image(IMAGE).volume("/srv/data", "relative/path").host("edge-1"));
        Map<String, String> reasons = Map.of("bad-port", "InvalidPort", "bad-cpu", "InvalidResources",
                "bad-memory", "InvalidResources", "bad-duration", "InvalidDuration", "no-secret", "SecretNotFound",
                "no-key", "SecretKeyNotFound", "no-host", "HostNotFound", "bad-path", "InvalidPath");
        bad.forEach((name, spec) -> cluster.apply(name, spec.name(PREFIX + name).build()));
        for (var entry : reasons.entrySet()) {
            DockerContainerStatus s = cluster.awaitContainer(entry.getKey(), entry.getValue(),
                    st -> entry.getValue().equals(Cluster.readyReason(st)), TIMEOUT);
            assertThat(s.message()).as(entry.getKey()).isNotBlank();
        }
        // the same container name twice on one host: the second is refused
        cluster.apply("first-claim", Specs.image(IMAGE).name(PREFIX + "shared").command("sleep", "3600").host("edge-1").build());
        cluster.awaitContainer("first-claim", "Running", s -> "Running".equals(s.phase()), TIMEOUT);
        cluster.apply("second-claim", Specs.image(IMAGE).name(PREFIX + "shared").command("sleep", "3600").host("edge-1").build());
        cluster.awaitContainer("second-claim", "conflict", s -> "ContainerNameConflict".equals(Cluster.readyReason(s)),
                TIMEOUT);

        // the agent's persisted desired state holds none of them
        List<String> atAgent = agentDesiredState().getContainersList().stream().map(ContainerSpec::getContainerName).toList();
        for (String name : bad.keySet()) {
            assertThat(atAgent).doesNotContain(PREFIX + name);
            assertThat(DockerCli.id(PREFIX + name)).isNull();
        }
        assertThat(atAgent.stream().filter((PREFIX + "shared")::equals)).hasSize(1);
    }

    @Test
    void anUnmanagedContainerHoldingTheNameIsLeftAloneAndTheResourceSaysWhy() {
        DockerCli.must("docker", "run", "-d", "--name", PREFIX + "squatter", IMAGE, "sleep", "3600");
        String squatter = DockerCli.id(PREFIX + "squatter");

        cluster.apply("squatted", Specs.image(IMAGE).name(PREFIX + "squatter").command("sleep", "60").host("edge-1").build());

        DockerContainerStatus s = cluster.awaitContainer("squatted", "NameConflict",
                st -> "NameConflict".equals(Cluster.readyReason(st)), TIMEOUT);
        assertThat(s.message()).contains(PREFIX + "squatter");
        assertThat(DockerCli.id(PREFIX + "squatter")).isEqualTo(squatter);
        assertThat(DockerCli.running(PREFIX + "squatter")).isTrue();
    }

    @Test
    void secretsReachTheContainerAndRotateInPlaceOrByRecreation() throws Exception {
        cluster.secret("app-secret", Map.of("password", "pw-first-41c9", "token", "tok-1-8e2d"));
        cluster.apply("secretive", Specs.image(IMAGE).name(PREFIX + "secretive").command("sleep", "3600")
                .envFromSecret("PASSWORD", "app-secret", "password").secretVolume("app-secret", "/etc/app")
                .host("edge-1").build());
        String id = cluster.awaitContainer("secretive", "Running", s -> "Running".equals(s.phase()), TIMEOUT).containerID();
        assertThat(DockerCli.env(PREFIX + "secretive")).contains("PASSWORD=pw-first-41c9");
        assertThat(DockerCli.exec(PREFIX + "secretive", "cat", "/etc/app/token")).isEqualTo("tok-1-8e2d");

        // only the file's key changes: same container, new content
        cluster.secret("app-secret", Map.of("password", "pw-first-41c9", "token", "tok-2-5b7a"));
        await("file rotated in place").atMost(TIMEOUT)
                .until(() -> "tok-2-5b7a".equals(DockerCli.exec(PREFIX + "secretive", "cat", "/etc/app/token")));
        assertThat(DockerCli.id(PREFIX + "secretive")).isEqualTo(id);

        // the env value changes: recreated
        cluster.secret("app-secret", Map.of("password", "pw-second-93f0", "token", "tok-2-5b7a"));
        await("recreated with the new env value").atMost(TIMEOUT)
                .until(() -> DockerCli.running(PREFIX + "secretive")
                        && DockerCli.env(PREFIX + "secretive").contains("PASSWORD=pw-second-93f0"));
        assertThat(DockerCli.id(PREFIX + "secretive")).isNotEqualTo(id);
        assertThat(agent.log() + hub.log()).as("no secret value in any log").doesNotContain("pw-first-41c9")
                .doesNotContain("pw-second-93f0").doesNotContain("tok-1-8e2d").doesNotContain("tok-2-5b7a");
    }

    private DesiredState agentDesiredState() throws Exception {
        return DesiredState.parseFrom(Files.readAllBytes(work.resolve("state/desired-state.pb")));
    }
}
