package io.kdop.e2e;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The quickstart on a machine without a cluster: the API stand-in plays Kubernetes, and the hub
 * and an agent run for real against this machine's Docker daemon. Run by scripts/quickstart.sh.
 */
public final class Quickstart {

    private Quickstart() {}

    public static void main(String[] args) throws Exception {
        Path work = Repository.root().resolve("tests/e2e/target/quickstart");
        Files.createDirectories(work);
        Docker.serverVersion();
        try (ApiServerStandIn api = new ApiServerStandIn(work)) {
            Cluster cluster = new Cluster(api.client());
            say("1. kubectl apply -f crds/  (done: the API stand-in runs at " + api.client().getMasterUrl() + ")");
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
                    agent.stop();
                }
                say("6. the agent stopped; after the grace period the host shows Disconnected:");
                cluster.awaitPhase("edge-1", "Disconnected", Duration.ofSeconds(30));
                table(cluster.host("edge-1"));
            }
        }
        say("Done. Next: README.md (real cluster) and docs/.");
        System.exit(0);
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
