package io.kdop.e2e;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.JobSpecs;
import io.kdop.e2e.support.Specs;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.job.DockerJobStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The quickstart on a machine without a cluster: the API stand-in plays Kubernetes, and the hub
 * and an agent run for real against this machine's Docker daemon. Run by scripts/quickstart.sh.
 */
public final class Quickstart {

    private static final String IMAGE = "kdop-test/busybox:1";
    private static final String WORKLOAD_PREFIX = "kdop-quickstart-";

    private Quickstart() {}

    public static void main(String[] args) throws Exception {
        Path work = Repository.root().resolve("tests/e2e/target/quickstart");
        Files.createDirectories(work);
        Docker.serverVersion();
        try (ApiServerStandIn api = new ApiServerStandIn(work)) {
            Cluster cluster = new Cluster(api.client());
            say("1. kubectl apply -f charts/kdop-hub/crds/  (done: the API stand-in runs at " + api.client().getMasterUrl() + ")");
            int port = Ports.free();
            try (HubProcess hub = HubProcess.start(api, port, work.resolve("hub.log"))) {
                say("2. the hub runs and serves agents on " + hub.address() + "   (log: " + hub.logFile() + ")");

                try (InputStream in = Files.newInputStream(Repository.root().resolve("examples/dockerhost.yaml"))) {
                    DockerHost host = api.client().getKubernetesSerialization().unmarshal(in, DockerHost.class);
                    host.getMetadata().setNamespace(Cluster.NS);
                    api.client().resource(host).create();
                }
                say("3. kubectl apply -n " + Cluster.NS + " -f examples/dockerhost.yaml");
                cluster.awaitJoinToken("edge-1");
                table(cluster.host("edge-1"));

                String command = cluster.secretValue("edge-1-join", "join-command");
                say("4. the join command, from Secret " + Cluster.NS + "/edge-1-join:\n   "
                        + command.replaceAll("(kdop1\\.[0-9a-f]{8})[0-9a-f]+(\\.[a-z0-9]{8}\\.)[a-z0-9]+", "$1…$2<secret>"));
                String token = cluster.secretValue("edge-1-join", "token");
                try (AgentProcess agent = AgentProcess.join(hub.address(), token, work.resolve("agent-state"),
                        work.resolve("agent.log"))) {
                    say("5. the agent joins from this Docker host   (log: " + agent.logFile() + ")");
                    DockerHostStatus status = cluster.awaitPhase("edge-1", "Connected", Duration.ofSeconds(60));
                    table(cluster.host("edge-1"));
                    say("   Docker " + status.getDockerVersion() + " on " + status.getOperatingSystem() + ", "
                            + status.getCpus() + " CPUs, " + (status.getMemoryBytes() >> 20) + " MiB; joined at "
                            + status.getJoinedAt());
                    runWorkloads(cluster);
                    agent.stop();
                }
                say("9. the agent stopped; after the grace period the host shows Disconnected:");
                cluster.awaitPhase("edge-1", "Disconnected", Duration.ofSeconds(30));
                table(cluster.host("edge-1"));
            }
        }
        say("Done. Next: README.md (real cluster) and docs/.");
        System.exit(0);
    }

    /** A long-running container and a one-off job, on the local image the tests use. */
    private static void runWorkloads(Cluster cluster) {
        DockerCli.removeAll(WORKLOAD_PREFIX);
        cluster.apply("web", Specs.image(IMAGE).name(WORKLOAD_PREFIX + "web")
                .command("httpd", "-f", "-p", "8080", "-h", "/tmp").host("edge-1").build());
        say("6. kubectl apply a DockerContainer (busybox httpd) and wait until it runs:");
        DockerContainerStatus web = cluster.awaitContainer("web", "Running", s -> "Running".equals(s.phase()),
                Duration.ofSeconds(60));
        System.out.printf("   $ kubectl get dockercontainers -n %s%n", Cluster.NS);
        System.out.printf("   %-8s %-14s %-22s %-8s %-6s%n", "NAME", "HOST", "IMAGE", "PHASE", "READY");
        System.out.printf("   %-8s %-14s %-22s %-8s %-6s%n", "web", web.host(), IMAGE, web.phase(),
                Cluster.readyReason(web).equals("Running") ? "True" : "False");

        cluster.applyJob("hello", JobSpecs.image(IMAGE).name(WORKLOAD_PREFIX + "hello")
                .script("echo hello from $(hostname); exit 3").backoffLimit(1).host("edge-1").build());
        say("7. kubectl apply a DockerJob that exits 3, with backoffLimit 1, and wait until it finished:");
        DockerJobStatus job = cluster.awaitJob("hello", "finished", DockerJobStatus::finished, Duration.ofSeconds(90));
        System.out.printf("   $ kubectl get dockerjobs -n %s%n", Cluster.NS);
        System.out.printf("   %-8s %-14s %-8s %-9s %-9s%n", "NAME", "HOST", "PHASE", "ATTEMPTS", "EXIT CODE");
        System.out.printf("   %-8s %-14s %-8s %-9s %-9s%n", "hello", job.host(), job.phase(), job.attempts(),
                job.exitCode());
        say("   reason " + job.reason() + "; message:\n     " + job.message().replace("\n", "\n     "));
        System.out.printf("   $ kubectl describe dockerjob -n %s hello   # Events:%n", Cluster.NS);
        cluster.events("hello").forEach(e -> say("     " + e));
        cluster.deleteContainer("web", Duration.ofSeconds(60));
        cluster.deleteJob("hello", Duration.ofSeconds(60));
        say("8. kubectl delete both: the agent removed their containers");
    }

    private static void table(DockerHost host) {
        DockerHostStatus s = host.getStatus();
        String ready = Conditions.find(s.getConditions(), Conditions.READY)
                .map(c -> c.getStatus() + " (" + c.getReason() + ")").orElse("");
        System.out.printf("   $ kubectl get dockerhosts -n %s%n", Cluster.NS);
        System.out.printf("   %-8s %-13s %-26s %-16s %-14s %-7s%n", "NAME", "PHASE", "READY", "DOCKER", "PLATFORM",
                "RUNNING");
        System.out.printf("   %-8s %-13s %-26s %-16s %-14s %-7s%n", host.getMetadata().getName(), s.getPhase(), ready,
                nz(s.getDockerVersion()), nz(s.getPlatform()),
                s.getContainersRunning() == null ? "" : s.getContainersRunning());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
