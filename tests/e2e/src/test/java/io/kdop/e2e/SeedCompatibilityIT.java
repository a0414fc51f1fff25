package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cli;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.DockerTlsFiles;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JobSpecs;
import io.kdop.e2e.support.NetworkNamespace;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.PrivateDockerDaemon;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.TcpClient;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerService;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.container.ServicePort;
import io.kdop.hub.api.job.DockerJobStatus;
import io.kdop.hub.api.service.DockerServiceSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed operator's manifests on kdop, unchanged: a workload without dockerHostRef goes to the
 * DockerHost named default; its Opaque registry Secret (username, password, server) pulls from a
 * registry with basic auth; its direct DockerHost (hostURL + tlsSecretName) connects to a real
 * dockerd over mutual TLS and shows Docker's facts, and each way of getting TLS wrong has its own
 * reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedCompatibilityIT {

    private static final String PREFIX = "kdop-e2e-seed-";
    private static final String IMAGE = "kdop-test/busybox:1";
    private static final String REGISTRY_IMAGE = "127.0.0.1:5000/kdop/busybox:1";
    private static final String REGISTRY_PASSWORD = "kdop-test-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ALL_DIRECT_HOSTS = "--direct-hosts=all";
    /** The seed README's DockerHost, word for word but for the address. */
    static final String SEED_HOST = """
            apiVersion: kdop.io.vn/v1alpha1
            kind: DockerHost
            metadata:
              name: remote-host
            spec:
              hostURL: "tcp://%s"
              tlsSecretName: docker-tls-secret # Optional: Secret containing ca.pem, cert.pem, key.pem
            """;

    private Path work;
    private ApiServerStandIn api;
    private Cluster cluster;
    private HubProcess hub;
    private AgentProcess agent;
    private DockerContainerStatus beforeDefaultExisted;
    private int hubRestarts;

    @BeforeAll
    void startHubThenTheDefaultHost(@TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path work) {
        Docker.requireDaemon();
        DockerCli.removeAll(PREFIX);
        this.work = work;
        api = new ApiServerStandIn(work);
        cluster = new Cluster(api.client());
        // all kinds of direct hosts: the story includes a Unix socket and plain TCP (the default is mutual TLS only)
        hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"), ALL_DIRECT_HOSTS);
        // the seed's first container, as it writes it: no dockerHostRef, and no host named default yet
        cluster.apply("early", Specs.image(IMAGE).name(PREFIX + "early").command("sleep", "3600").build());
        beforeDefaultExisted = cluster.awaitContainer("early", "HostNotFound",
                s -> "HostNotFound".equals(Cluster.readyReason(s)), TIMEOUT);

        cluster.createHost("default", null);
        agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("default"), work.resolve("state"),
                work.resolve("agent.log"));
        cluster.awaitPhase("default", "Connected", TIMEOUT);
    }

    @AfterAll
    void stopAll() {
        Teardown.closeAll(agent, hub, api);
        DockerCli.removeAll(PREFIX);
    }

    @Test
    void workloadsWithoutDockerHostRefLandOnTheHostNamedDefault() {
        assertThat(beforeDefaultExisted.message()).contains("spec.dockerHostRef is not set",
                "the DockerHost named default", "none in namespace edge or kdop-system",
                "kubectl apply -f examples/dockerhost.yaml with metadata.name: default");

        DockerContainerStatus early = cluster.awaitContainer("early", "Running once default exists",
                s -> "Running".equals(s.phase()), TIMEOUT);
        assertThat(early.host()).isEqualTo("edge/default");
        assertThat(DockerCli.running(PREFIX + "early")).isTrue();

        cluster.applyJob("migrate", JobSpecs.image(IMAGE).name(PREFIX + "migrate").script("echo migrated").build());
        DockerJobStatus job = cluster.awaitJob("migrate", "Succeeded", s -> "Succeeded".equals(s.phase()), TIMEOUT);
        assertThat(job.host()).isEqualTo("edge/default");
        assertThat(job.exitCode()).isZero();
    }

    @Test
    void theSeedsOpaqueRegistrySecretPullsWithBasicAuth() {
        startTestRegistry();
        // the seed's form: type Opaque, keys username, password and server
        opaqueSecret("seed-regcred", Map.of("username", "kdop-test", "password", REGISTRY_PASSWORD,
                "server", "127.0.0.1:5000"));
        opaqueSecret("seed-regcred-wrong", Map.of("username", "kdop-test", "password", "not-" + REGISTRY_PASSWORD,
                "server", "127.0.0.1:5000"));
        Docker.run("docker", "rmi", "-f", REGISTRY_IMAGE); // a copy on the host would hide the pull
        cluster.apply("private", Specs.image(REGISTRY_IMAGE).name(PREFIX + "private").command("sleep", "3600")
                .pullPolicy("Always").pullSecret("seed-regcred").build());
        cluster.apply("wrong-password", Specs.image(REGISTRY_IMAGE).name(PREFIX + "wrong-password")
                .command("sleep", "3600").pullPolicy("Always").pullSecret("seed-regcred-wrong").build());

        DockerContainerStatus pulled = cluster.awaitContainer("private", "Running", s -> "Running".equals(s.phase()),
                TIMEOUT);
        DockerContainerStatus refused = cluster.awaitContainer("wrong-password", "ImagePullFailed",
                s -> "ImagePullFailed".equals(Cluster.readyReason(s)), TIMEOUT);

        assertThat(pulled.host()).isEqualTo("edge/default");
        assertThat(DockerCli.running(PREFIX + "private")).isTrue();
        assertThat(refused.message()).doesNotContain(REGISTRY_PASSWORD);
        assertThat(logs()).doesNotContain(REGISTRY_PASSWORD);
    }

    @Test
    void theSeedsDirectHostConnectsOverMutualTlsAndEachTlsMistakeHasItsOwnReason() throws Exception {
        DockerTlsFiles ca = DockerTlsFiles.authority("docker-ca", work.resolve("tls"));
        DockerTlsFiles stranger = DockerTlsFiles.authority("another-ca", work.resolve("tls-other"));
        int port = Ports.free();
        try (NetworkNamespace net = NetworkNamespace.create()) {
            List<Path> server = ca.serverFiles(net.innerAddress());
            try (PrivateDockerDaemon dockerd = PrivateDockerDaemon.startWithTls(work.resolve("remote-dockerd"), net,
                    port, ca.caFile(), server.get(0), server.get(1), IMAGE)) {
                String address = net.innerAddress() + ":" + port;
                Map<String, String> client = ca.client();
                tlsSecret("docker-tls-secret", ca.caPem(), client);
                tlsSecret("wrong-client", ca.caPem(), stranger.client());
                tlsSecret("wrong-ca", stranger.caPem(), client);
                Map<String, String> noKey = new HashMap<>(client);
                noKey.remove("key.pem");
                tlsSecret("no-key", ca.caPem(), noKey);
                apply(SEED_HOST.formatted(address));
                directHost("wrong-client", "tcp://" + address, "wrong-client");
                directHost("wrong-ca", "tcp://" + address, "wrong-ca");
                directHost("no-key", "tcp://" + address, "no-key");
                directHost("nobody", "tcp://" + net.innerAddress() + ":" + Ports.free(), "docker-tls-secret");
                apply(hostManifest("plain", "tcp://" + address, ""));
                apply(hostManifest("insecure", "tcp://" + address, "  allowInsecure: true\n"));
                apply(hostManifest("local-socket", dockerd.uri(), ""));
                apply(hostManifest("no-socket", "unix://" + work.resolve("absent.sock"), ""));

                DockerHostStatus connected = cluster.awaitPhase("remote-host", "Connected", TIMEOUT);
                String version = dockerd.docker("version", "--format", "{{.Server.Version}}").output().strip();
                assertThat(connected.getDockerVersion()).isEqualTo(version);
                assertThat(Cluster.readyReason(connected)).isEqualTo("DirectConnected");
                assertThat(connected.getPlatform()).startsWith("linux/");
                assertThat(connected.getCpus()).isPositive();
                assertThat(connected.getMemoryBytes()).isPositive();
                assertThat(connected.getContainersRunning()).isNotNull();

                DockerHostStatus viaSocket = cluster.awaitPhase("local-socket", "Connected", TIMEOUT);
                assertThat(viaSocket.getDockerVersion()).isEqualTo(version);
                assertThat(Conditions.find(viaSocket.getConditions(), Conditions.READY).orElseThrow().getMessage())
                        .contains("Unix socket");

                Map<String, String> reasons = Map.of("wrong-client", "ClientCertificateRefused", "wrong-ca", "UnknownCA",
                        "no-key", "TLSSecretMissingKey", "nobody", "Unreachable", "plain", "TLSRequired",
                        "insecure", "TLSRequired", "no-socket", "Unreachable");
                for (var expected : reasons.entrySet()) {
                    DockerHostStatus s = cluster.awaitHostStatus(expected.getKey(), expected.getValue(),
                            st -> expected.getValue().equals(Cluster.readyReason(st)), TIMEOUT);
                    assertThat(s.getPhase()).as(expected.getKey()).isEqualTo("Pending");
                    String message = Conditions.find(s.getConditions(), Conditions.READY).orElseThrow().getMessage();
                    assertThat(message).as(expected.getKey()).doesNotContain("PRIVATE KEY", "BEGIN");
                }

                assertThat(Conditions.find(cluster.host("insecure").getStatus().getConditions(), "InsecureTransport"))
                        .as("plain TCP, opted in: flagged").hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                assertThat(Conditions.find(cluster.host("plain").getStatus().getConditions(), "InsecureTransport"))
                        .as("plain TCP refused: nothing dialled, nothing to flag").isEmpty();

                theHubRunsContainersOnTheDirectHost(dockerd);

                String keyBody = client.get("key.pem").lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
                assertThat(logs()).doesNotContain(keyBody);
            }
        }
    }

    /**
     * The seed's DockerContainer on its direct host: the hub starts it over mutual TLS, its status
     * tells Docker's truth, a container removed by hand comes back, a new spec recreates it, a hub
     * restart leaves it alone, a Service reaches its published port through the hub, and deleting
     * the resource removes it; deleting the host waits for a removal under way. A secret
     * volume is a Docker volume there, rotated in place; jobs there: DirectHostJobsIT.
     */
    private void theHubRunsContainersOnTheDirectHost(PrivateDockerDaemon dockerd) {
        String name = PREFIX + "on-remote";
        cluster.apply("on-remote", Specs.image(IMAGE).name(name).command("sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait")
                .env("GREETING=hello").port("18080:80").restartPolicy("always").host("remote-host").build());
        DockerContainerStatus running = cluster.awaitContainer("on-remote", "Running on the direct host",
                s -> "Running".equals(Cluster.readyReason(s)) && s.containerID() != null, TIMEOUT);
        assertThat(dockerd.containerIds(name)).containsExactly(running.containerID());
        assertThat(running.host()).isEqualTo(Cluster.NS + "/remote-host");
        assertThat(dockerd.inspect(name, "{{range .Config.Env}}{{println .}}{{end}}")).contains("GREETING=hello");
        assertThat(dockerd.inspect(name, "{{.HostConfig.RestartPolicy.Name}}")).isEqualTo("always");

        // drift: removed by hand, it comes back (Docker's events over the TLS connection tell the hub)
        dockerd.docker("rm", "-f", name);
        DockerContainerStatus back = cluster.awaitContainer("on-remote", "back after docker rm",
                s -> "Running".equals(Cluster.readyReason(s)) && !running.containerID().equals(s.containerID()), TIMEOUT);
        assertThat(dockerd.containerIds(name)).containsExactly(back.containerID());

        // a new spec: recreated once, with it
        cluster.apply("on-remote", Specs.image(IMAGE).name(name).command("sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait")
                .env("GREETING=bonjour").port("18080:80").restartPolicy("always").host("remote-host").build());
        DockerContainerStatus updated = cluster.awaitContainer("on-remote", "recreated for the new spec",
                s -> "Running".equals(Cluster.readyReason(s)) && !back.containerID().equals(s.containerID())
                        && java.util.Objects.equals(s.observedGeneration(),
                                cluster.container("on-remote").getMetadata().getGeneration()), TIMEOUT);
        assertThat(dockerd.containerIds(name)).containsExactly(updated.containerID());
        assertThat(dockerd.inspect(name, "{{range .Config.Env}}{{println .}}{{end}}")).contains("GREETING=bonjour");

        // a hub restart: the new hub rebuilds the desired state before it drives the host, so nothing is touched
        String startedAt = dockerd.inspect(name, "{{.State.StartedAt}}");
        long restartedAt = java.time.Instant.now().getEpochSecond();
        restartHub();
        // a container applied after the restart runs only once the new hub's engine made a pass over the host
        cluster.apply("sentinel", Specs.image(IMAGE).name(PREFIX + "sentinel").command("sleep", "3600")
                .host("remote-host").build());
        cluster.awaitContainer("sentinel", "Running, started by the restarted hub",
                s -> "Running".equals(Cluster.readyReason(s)), TIMEOUT);
        cluster.awaitContainer("on-remote", "still Running after the hub restart",
                s -> "Running".equals(Cluster.readyReason(s)) && updated.containerID().equals(s.containerID()), TIMEOUT);
        assertThat(dockerd.containerIds(name)).containsExactly(updated.containerID());
        assertThat(dockerd.inspect(name, "{{.State.StartedAt}}")).as("not restarted").isEqualTo(startedAt);
        // events are kept by the second: the recreation for the new spec may share the restart's second,
        // so what counts is what happened to the running container, and any other container made
        List<String> touched = dockerd.docker("events", "--since", String.valueOf(restartedAt), "--until",
                String.valueOf(java.time.Instant.now().getEpochSecond() + 1), "--filter", "container=" + name,
                "--format", "{{.Action}} {{.ID}}").output().lines()
                .filter(e -> e.endsWith(" " + updated.containerID()) ? !e.startsWith("create ") && !e.startsWith("start ")
                        : e.startsWith("create "))
                .filter(e -> !e.startsWith("create ") || !e.endsWith(" " + back.containerID()))
                .toList();
        assertThat(touched).as("what the restarted hub did to " + name).isEmpty();
        cluster.deleteContainer("sentinel", TIMEOUT);

        theSecretVolumeOnTheDirectHostRotatesInPlace(dockerd);

        // a Service to a container on the direct host: the hub carries its connections to the published port
        cluster.apply("remote-web", Specs.image(IMAGE).name(PREFIX + "remote-web").command("sh", "-c",
                "echo hello-from-the-remote-host > /tmp/index.html && exec httpd -f -p 8080 -h /tmp")
                .port("18081:8080").service("http", 80, 8080).host("remote-host").build());
        DockerContainerStatus web = cluster.awaitContainer("remote-web", "Serving", s -> Conditions.find(s.conditions(),
                "Serving").map(c -> "True".equals(c.getStatus())).orElse(false), TIMEOUT);
        assertThat(web.service()).isEqualTo("tunnel-remote-web");
        int listener = api.client().discovery().v1().endpointSlices().inNamespace(Cluster.NS)
                .withName("tunnel-remote-web").get().getPorts().getFirst().getPort();
        await("a file fetched through Service tunnel-remote-web").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> TcpClient.httpGet(listener, "/index.html").contains("hello-from-the-remote-host"));
        cluster.apply("remote-unpublished", Specs.image(IMAGE).name(PREFIX + "remote-unpublished")
                .command("sleep", "3600").service("http", 80, 8080).host("remote-host").build());
        cluster.awaitContainer("remote-unpublished", "Serving=False PortNotPublished", s -> Conditions.find(
                s.conditions(), "Serving").map(c -> "PortNotPublished".equals(c.getReason())).orElse(false), TIMEOUT);

        // a DockerService spreads over a container of the agent host and one of the direct host
        cluster.apply("spread-agent", Map.of("app", "spread"), Specs.image(IMAGE).name(PREFIX + "spread-agent")
                .command("sh", "-c", "echo I-am-spread-agent > /tmp/index.html && exec httpd -f -p 8080 -h /tmp")
                .host("default").build());
        cluster.apply("spread-remote", Map.of("app", "spread"), Specs.image(IMAGE).name(PREFIX + "spread-remote")
                .command("sh", "-c", "echo I-am-spread-remote > /tmp/index.html && exec httpd -f -p 8080 -h /tmp")
                .port("18082:8080").host("remote-host").build());
        cluster.applyService("spread", new DockerServiceSpec(null,
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "spread")).build(),
                List.of(new ServicePort("http", 80, 8080)), null));
        await("DockerService spread: 2 of 2 backends ready").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> Optional.ofNullable(cluster.service("spread")).map(DockerService::getStatus)
                        .map(st -> "2/2".equals(st.backendsReady())).orElse(false));
        int spread = api.client().services().inNamespace(Cluster.NS).withName("tunnel-spread").get().getSpec()
                .getPorts().getFirst().getTargetPort().getIntVal();
        await("connections reach both hosts' backends").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> TcpClient.whoAnswers(spread, 8).containsAll(List.of("spread-agent", "spread-remote")));

        // deleting the resource removes the container, and the resource goes once it is gone
        cluster.deleteContainer("on-remote", TIMEOUT);
        cluster.deleteContainer("remote-web", TIMEOUT);
        cluster.deleteContainer("remote-unpublished", TIMEOUT);
        assertThat(dockerd.containerIds(name)).isEmpty();
        assertThat(dockerd.containerIds(PREFIX + "remote-web")).isEmpty();

        // a workload and its direct host deleted at once (as kubectl delete namespace does): the host
        // goes only once the hub removed the container, which nothing could remove after
        assertThat(dockerd.containerIds(PREFIX + "spread-remote")).hasSize(1);
        api.client().resources(DockerContainer.class).inNamespace(Cluster.NS).withName("spread-remote").delete();
        cluster.deleteHost("remote-host");
        assertThat(dockerd.containerIds(PREFIX + "spread-remote")).as("removed before its host went").isEmpty();
        assertThat(DockerCli.running(PREFIX + "spread-agent")).as("the agent host's backend stays").isTrue();
    }

    /**
     * A secret volume on the direct host: the hub fills a Docker volume through the API, the
     * container reads the file; a changed Secret changes the file in the running container (same
     * container, never restarted); deleting the workload removes its volume; no value is logged.
     */
    private void theSecretVolumeOnTheDirectHostRotatesInPlace(PrivateDockerDaemon dockerd) {
        String name = PREFIX + "remote-secret";
        opaqueSecret("remote-app-secret", Map.of("password", "pw-direct-1-7c3e", "user", "app"));
        cluster.apply("remote-secret", Specs.image(IMAGE).name(name).command("sleep", "3600")
                .secretVolume("remote-app-secret", "/etc/app").host("remote-host").build());
        DockerContainerStatus running = cluster.awaitContainer("remote-secret", "Running with its secret volume",
                s -> "Running".equals(Cluster.readyReason(s)) && s.containerID() != null, TIMEOUT);
        assertThat(dockerd.docker("exec", name, "cat", "/etc/app/password").output()).isEqualTo("pw-direct-1-7c3e");
        assertThat(dockerd.docker("exec", name, "cat", "/etc/app/user").output()).isEqualTo("app");
        assertThat(dockerd.docker("exec", name, "ls", "-lL", "/etc/app/password").output())
                .as("the agent's mode and owner").matches("(?s)-rw-r--r-- +1 root +(root|0) .*");
        List<String> volumes = secretVolumes(dockerd);
        assertThat(volumes).hasSize(1);
        assertThat(dockerd.inspect(name, "{{range .Mounts}}{{.Name}} {{.RW}}{{end}}")).isEqualTo(volumes.get(0) + " false");
        String startedAt = dockerd.inspect(name, "{{.State.StartedAt}}");

        // the Secret changes: the file changes in the running container
        opaqueSecret("remote-app-secret", Map.of("password", "pw-direct-2-a51d", "user", "app"));
        org.awaitility.Awaitility.await("the file rotated in place on the direct host").atMost(TIMEOUT)
                .until(() -> "pw-direct-2-a51d".equals(dockerd.docker("exec", name, "cat", "/etc/app/password").output()));
        assertThat(dockerd.containerIds(name)).containsExactly(running.containerID());
        assertThat(dockerd.inspect(name, "{{.State.StartedAt}}")).as("not restarted").isEqualTo(startedAt);
        assertThat(dockerd.docker("exec", name, "sh", "-c", "cat /etc/app/..a /etc/app/..b/*").output())
                .as("the former value is gone from the volume").isEqualTo("pw-direct-2-a51dapp");

        // the workload goes: its volume goes with it
        cluster.deleteContainer("remote-secret", TIMEOUT);
        assertThat(dockerd.containerIds(name)).isEmpty();
        org.awaitility.Awaitility.await("the secret volume removed").atMost(TIMEOUT)
                .until(() -> secretVolumes(dockerd).isEmpty());
        assertThat(logs()).as("no secret value in any log").doesNotContain("pw-direct-1-7c3e")
                .doesNotContain("pw-direct-2-a51d");
    }

    private static List<String> secretVolumes(PrivateDockerDaemon dockerd) {
        return dockerd.docker("volume", "ls", "-q", "--filter", "name=kdop-secrets-").output().lines()
                .filter(l -> !l.isBlank()).toList();
    }

    private void restartHub() {
        int port = hub.port();
        hub.close();
        hubRestarts++;
        hub = HubProcess.start(api, port, work.resolve("hub-" + hubRestarts + ".log"), ALL_DIRECT_HOSTS);
        cluster.awaitPhase("default", "Connected", TIMEOUT);
    }

    private String hubLog(int restart) {
        try {
            return Files.readString(work.resolve(restart == 0 ? "hub.log" : "hub-" + restart + ".log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void apply(String yaml) {
        for (var item : api.client().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            item.getMetadata().setNamespace(Cluster.NS);
            api.client().resource(item).createOr(NonDeletingOperation::update);
        }
    }

    private void directHost(String name, String url, String secret) {
        apply(hostManifest(name, url, "  tlsSecretName: " + secret + "\n"));
    }

    private static String hostManifest(String name, String url, String moreSpec) {
        return """
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerHost
                metadata:
                  name: %s
                spec:
                  hostURL: "%s"
                """.formatted(name, url) + moreSpec;
    }

    private void tlsSecret(String name, String caPem, Map<String, String> client) {
        Map<String, String> data = new HashMap<>(client);
        data.put("ca.pem", caPem);
        opaqueSecret(name, data);
    }

    private void opaqueSecret(String name, Map<String, String> values) {
        api.client().secrets().inNamespace(Cluster.NS).resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(Cluster.NS).endMetadata().withType("Opaque").withStringData(values).build())
                .createOr(NonDeletingOperation::update);
    }

    private String logs() {
        try {
            StringBuilder all = new StringBuilder(Files.readString(work.resolve("agent.log")));
            for (int n = 0; n <= hubRestarts; n++) {
                all.append(hubLog(n));
            }
            return all.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** scripts/test-registry.sh, as the CI runs it before the tests; it returns at once when the registry runs. */
    private static void startTestRegistry() {
        Cli.Result r = Cli.run(Duration.ofMinutes(2), "bash", Repository.root().resolve("scripts/test-registry.sh").toString());
        assertThat(r.ok()).as("scripts/test-registry.sh: %s", r).isTrue();
    }
}
