package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.Cli;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.KdopOnRealKube;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.Teardown;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user's story on a real Kubernetes API server, typed with the real kubectl: the CRDs and
 * the chart's RBAC are applied, the hub runs as its least-privilege ServiceAccount, a DockerHost is
 * applied from examples/, the join command is read from its Secret, the agent joins, and a
 * container and the example job run; what kubectl get and describe print is what is asserted.
 */
class RealApiUserStoryIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String CONTAINER = "kdop-real-web";

    private static KdopOnRealKube kdop;
    private static RealKube kube;
    private static HubProcess hub;
    private static AgentProcess agent;
    private static String ns;

    @BeforeAll
    static void installKdop() {
        // the example job's container name is fixed: a holder left by an earlier run would be a NameConflict
        DockerCli.removeAll("job-hello");
        kdop = KdopOnRealKube.install(RealApiUserStoryIT.class);
        kube = kdop.kube();
        hub = kdop.hub();
        ns = kube.freshNamespace("story");
    }

    @AfterAll
    static void uninstall() {
        Teardown.closeAll(agent, kdop, () -> DockerCli.removeAll(CONTAINER), () -> DockerCli.removeAll("job-hello"));
    }

    @Test
    void kubectlExplainPrintsTheSchemaDescriptions() {
        assertThat(explain("dockercontainer.spec.ports")).contains("KIND: DockerContainer")
                .contains("FIELD: ports <[]string>")
                .contains("Published ports as [hostIP:]hostPort:containerPort[/tcp|udp], e.g. \"8080:80\".");
        assertThat(explain("dockerjob.spec.backoffLimit")).contains("FIELD: backoffLimit <integer>")
                .contains("How many failed attempts are retried, with exponential backoff (10s, 20s, 40s,");
        assertThat(kube.kubectl("api-resources", "--api-group=kdop.io.vn").orFail())
                .containsPattern("dockercontainers\\s+dc\\s+kdop.io.vn/v1alpha1\\s+true\\s+DockerContainer")
                .containsPattern("dockerhosts\\s+dh\\s+kdop.io.vn/v1alpha1\\s+true\\s+DockerHost")
                .containsPattern("dockerjobs\\s+dj\\s+kdop.io.vn/v1alpha1\\s+true\\s+DockerJob");
    }

    @Test
    void aUserJoinsAHostRunsAContainerAndAJobAndReadsItAllWithKubectl() {
        // kubectl apply -f examples/dockerhost.yaml
        assertThat(kube.kubectl("apply", "-n", ns, "-f", Repository.root().resolve("examples/dockerhost.yaml").toString())
                .orFail()).contains("dockerhost.kdop.io.vn/edge-1 created");
        awaitJsonPath("dockerhost", "edge-1", "{.status.joinSecretName}", "edge-1-join");
        assertThat(table("get", "dockerhosts", "-n", ns))
                .first().asString().containsPattern("NAME\\s+PHASE\\s+READY\\s+DOCKER\\s+PLATFORM\\s+RUNNING\\s+HEARTBEAT\\s+AGE");
        assertThat(table("get", "dockerhosts", "-n", ns).get(1)).containsPattern("^edge-1\\s+Pending\\s+False\\s+");

        // kubectl get secret edge-1-join -o jsonpath='{.data.join-command}' | base64 -d, pasted on the host
        String joinCommand = decode(kube.kubectl("get", "secret", "edge-1-join", "-n", ns, "-o",
                "jsonpath={.data.join-command}").orFail());
        Matcher pasted = Pattern.compile("^ KDOP_JOIN_TOKEN=(\\S+) java .* join --hub (\\S+) ").matcher(joinCommand);
        assertThat(pasted.find()).as("join command: %s", joinCommand).isTrue();
        assertThat(pasted.group(2)).isEqualTo(hub.address());
        agent = AgentProcess.join(pasted.group(2), pasted.group(1), kdop.work().resolve("agent-state"),
                kdop.work().resolve("agent.log"));
        awaitJsonPath("dockerhost", "edge-1", "{.status.phase}", "Connected");
        assertThat(table("get", "dockerhosts", "-n", ns).get(1))
                .containsPattern("^edge-1\\s+Connected\\s+True\\s+" + Pattern.quote(Docker.serverVersion()) + "\\s+linux/");
        assertThat(kube.kubectl("get", "secret", "edge-1-join", "-n", ns).stderr())
                .as("the spent join Secret is deleted").contains("NotFound");

        // kubectl apply -f - (a DockerContainer serving files with busybox httpd)
        assertThat(kube.kubectlWithInput("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerContainer
                metadata:
                  name: web
                spec:
                  image: kdop-test/busybox:1
                  containerName: %s
                  command: ["httpd", "-f", "-p", "8080", "-h", "/tmp"]
                  dockerHostRef: edge-1
                  env: ["GREETING=hello"]
                """.formatted(CONTAINER), "apply", "-n", ns, "-f", "-").orFail())
                .contains("dockercontainer.kdop.io.vn/web created");
        awaitJsonPath("dockercontainer", "web", "{.status.phase}", "Running");
        List<String> containers = table("get", "dockercontainers", "-n", ns);
        assertThat(containers.get(0)).containsPattern("NAME\\s+HOST\\s+IMAGE\\s+PHASE\\s+HEALTH\\s+READY\\s+AGE");
        // HOST names the host with its namespace (it may be the hub's); HEALTH is empty without a health check
        assertThat(containers.get(1)).containsPattern("^web\\s+" + ns + "/edge-1\\s+kdop-test/busybox:1\\s+Running\\s+True\\s+");
        assertThat(table("get", "dc", "-n", ns, "-o", "wide").get(0)).contains("RESTARTS").contains("CONTAINER");
        assertThat(DockerCli.running(CONTAINER)).isTrue();
        assertThat(DockerCli.env(CONTAINER)).contains("GREETING=hello");

        // kubectl apply -f examples/dockerjob-basic.yaml: runs once, to completion
        assertThat(kube.kubectl("apply", "-n", ns, "-f",
                Repository.root().resolve("examples/dockerjob-basic.yaml").toString()).orFail())
                .contains("dockerjob.kdop.io.vn/hello created");
        awaitJsonPath("dockerjob", "hello", "{.status.phase}", "Succeeded");
        List<String> jobs = table("get", "dockerjobs", "-n", ns);
        assertThat(jobs.get(0)).containsPattern("NAME\\s+HOST\\s+PHASE\\s+ATTEMPTS\\s+EXIT CODE\\s+AGE");
        assertThat(jobs.get(1)).containsPattern("^hello\\s+" + ns + "/edge-1\\s+Succeeded\\s+1\\s+0\\s+");
        String describeJob = kube.kubectl("describe", "dockerjob", "hello", "-n", ns).orFail();
        assertThat(describeJob).contains("Events:").containsPattern("Normal\\s+AttemptStarted\\s+")
                .containsPattern("Normal\\s+Completed\\s+");
        assertThat(kube.kubectl("describe", "dockercontainer", "web", "-n", ns).orFail())
                .containsPattern("Type:\\s+Ready").contains("Events:").containsPattern("Normal\\s+Running\\s+");

        // the kdop category lists every kind at once
        assertThat(kube.kubectl("get", "kdop", "-n", ns).orFail()).contains("dockerhost.kdop.io.vn/edge-1")
                .contains("dockercontainer.kdop.io.vn/web").contains("dockerjob.kdop.io.vn/hello");

        // kubectl delete waits for the finalizer: when it returns, the container is gone from the host
        kube.kubectl("delete", "dockercontainer", "web", "-n", ns, "--timeout=60s").orFail();
        assertThat(DockerCli.id(CONTAINER)).isNull();

        // kubectl delete dockerhost edge-1: its agent's identity is revoked, and the agent stops
        kube.kubectl("delete", "dockerhost", "edge-1", "-n", ns, "--timeout=60s").orFail();
        assertThat(agent.awaitExit(STARTUP)).isEqualTo(io.kdop.agent.session.AgentExit.REFUSED);
        assertThat(agent.log()).contains("revoked");
        assertThat(kdop.permissionDenials()).as("the hub never lacks a permission").isEmpty();
    }

    /**
     * kubectl explain FIELD with its line wrapping undone. The API server publishes a new CRD's
     * schema a moment after the CRD is Established, so the first tries may not find it yet.
     */
    private static String explain(String field) {
        String[] text = new String[1];
        await("kubectl explain " + field).atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
            Cli.Result r = kube.kubectl("explain", field);
            text[0] = r.stdout();
            return r.ok();
        });
        return text[0].replaceAll("\\s+", " ");
    }

    /** kubectl get ... as a user reads it: the header line and one line per object. */
    private static List<String> table(String... args) {
        return kube.kubectl(args).orFail().lines().toList();
    }

    private static void awaitJsonPath(String kind, String name, String jsonPath, String expected) {
        kdop.awaitJsonPath(ns, kind, name, jsonPath, expected);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    }
}
