package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.Repository;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.job.DockerJobStatus;
import io.kdop.hub.api.container.DockerContainerStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl apply -f examples/ on a running kdop: every manifest is accepted, and every container
 * and job reaches its agent (which then tries to pull the image; the public images cannot be pulled on
 * this offline machine, so ImagePullFailed is as far as they can get here, and it proves the spec
 * was valid and arrived).
 */
class ExamplesIT {

    /** Reasons that mean the spec itself was refused: none may appear. */
    private static final Set<String> SPEC_REASONS = Set.of("MissingImage", "InvalidEnv", "InvalidPort",
            "InvalidRestartPolicy", "InvalidPath", "InvalidResources", "InvalidDuration", "InvalidHealthCheck",
            "InvalidPullPolicy", "InvalidPullSecret", "SecretNotFound", "SecretKeyNotFound", "HostNotFound",
            "ContainerNameConflict", "InvalidSpec", "HostPathRefused", "PolicyDenied");
    private static final Set<String> REACHED_THE_AGENT = Set.of("Running", "ImagePullFailed", "HostNotConnected");

    @Test
    void everyExampleIsAcceptedAndEveryWorkloadReachesItsAgent(@TempDir Path work) throws Exception {
        Docker.requireDaemon();
        try (ApiServerStandIn api = new ApiServerStandIn(work);
                HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"))) {
            Cluster cluster = new Cluster(api.client());
            List<HasMetadata> applied = applyExamples(api);
            cluster.registrySecret("regcred", "registry.example.org:5000", "user", "password");
            try (AgentProcess agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"),
                    work.resolve("state"), work.resolve("agent.log"))) {
                cluster.awaitPhase("edge-1", "Connected", Duration.ofSeconds(60));
                List<String> containers = applied.stream().filter(DockerContainer.class::isInstance)
                        .map(r -> r.getMetadata().getName()).toList();
                assertThat(containers).hasSizeGreaterThanOrEqualTo(7);
                for (String name : containers) {
                    DockerContainerStatus s = cluster.awaitContainer(name, "to reach its agent",
                            st -> REACHED_THE_AGENT.contains(Cluster.readyReason(st)), Duration.ofSeconds(90));
                    assertThat(SPEC_REASONS).as(name).doesNotContain(Cluster.readyReason(s));
                }
                List<String> jobs = applied.stream().filter(DockerJob.class::isInstance)
                        .map(r -> r.getMetadata().getName()).toList();
                assertThat(jobs).hasSizeGreaterThanOrEqualTo(2);
                // the seed's first example gets the Service the seed names; the DockerService example its own
                org.awaitility.Awaitility.await("Service tunnel-nginx-basic").atMost(Duration.ofSeconds(60)).until(() ->
                        api.client().services().inNamespace(Cluster.NS).withName("tunnel-nginx-basic").get() != null);
                assertThat(api.client().services().inNamespace(Cluster.NS).withName("tunnel-nginx-basic").get()
                        .getSpec().getPorts()).singleElement().satisfies(p -> {
                            assertThat(p.getName()).isEqualTo("http");
                            assertThat(p.getPort()).isEqualTo(80);
                        });
                org.awaitility.Awaitility.await("DockerService web-pool").atMost(Duration.ofSeconds(60)).until(() -> {
                    io.kdop.hub.api.DockerService s = cluster.service("web-pool");
                    return s != null && s.getStatus() != null && "tunnel-web-pool".equals(s.getStatus().serviceName())
                            && "0/2".equals(s.getStatus().backendsReady());
                });
                // the deployments' hosts are not labelled pool=edge here: accepted, nothing placed, and said so
                for (HasMetadata d : applied.stream().filter(io.kdop.hub.api.DockerDeployment.class::isInstance).toList()) {
                    io.kdop.e2e.support.Deployments deployments = new io.kdop.e2e.support.Deployments(api.client());
                    io.kdop.hub.api.deployment.DockerDeploymentStatus s = deployments.await(d.getMetadata().getName(),
                            "to report", st -> st.conditions() != null, Duration.ofSeconds(60));
                    assertThat(io.kdop.e2e.support.Deployments.condition(s, "Progressing")).as(d.getMetadata().getName())
                            .startsWith("True ReplicaSetUpdated").contains("fit on no eligible DockerHost");
                }
                for (String name : jobs) {
                    DockerJobStatus s = cluster.awaitJob(name, "to reach its agent",
                            st -> "ImagePullFailed".equals(st.reason()) || st.finished(), Duration.ofSeconds(90));
                    assertThat(Cluster.conditionReason(s, "Accepted")).as(name).isEqualTo("Accepted");
                }
            } finally {
                DockerCli.removeAll("my-nginx");
                DockerCli.removeAll("nginx-");
                DockerCli.removeAll("cache");
                DockerCli.removeAll("private-app");
                DockerCli.removeAll("web-healthcheck");
                DockerCli.removeAll("limited");
                DockerCli.removeAll("job-");
                DockerCli.removeAll("web-pool");
                DockerCli.removeAll("web-deploy-");
                DockerCli.removeAll("worker-");
            }
        }
    }

    private static List<HasMetadata> applyExamples(ApiServerStandIn api) throws Exception {
        api.client().getKubernetesSerialization().registerKubernetesResource(DockerHost.class);
        api.client().getKubernetesSerialization().registerKubernetesResource(DockerContainer.class);
        api.client().getKubernetesSerialization().registerKubernetesResource(DockerJob.class);
        api.client().getKubernetesSerialization().registerKubernetesResource(io.kdop.hub.api.DockerService.class);
        api.client().getKubernetesSerialization().registerKubernetesResource(io.kdop.hub.api.DockerDeployment.class);
        List<HasMetadata> applied = new ArrayList<>();
        try (Stream<Path> files = Files.list(Repository.root().resolve("examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (HasMetadata item : api.client().load(in).items()) {
                        item.getMetadata().setNamespace(Cluster.NS);
                        applied.add(api.client().resource(item).createOr(
                                io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update));
                    }
                }
            }
        }
        return applied;
    }
}
