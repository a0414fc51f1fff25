package io.kdop.hub.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.container.JobTranslation;
import io.kdop.hub.container.JobTranslator;
import io.kdop.hub.container.ContainerTranslator;
import io.kdop.hub.container.Translation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in examples/ is valid: each document is a known kind, and every DockerContainer
 * and DockerJob translates into a spec for its agent (with the Secrets the examples tell the user to create).
 * The e2e tests run examples on a real Docker daemon.
 */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples");
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    ExamplesTest() {
        serialization.registerKubernetesResource(DockerHost.class);
        serialization.registerKubernetesResource(DockerContainer.class);
        serialization.registerKubernetesResource(DockerJob.class);
        serialization.registerKubernetesResource(io.kdop.hub.api.DockerService.class);
        serialization.registerKubernetesResource(io.kdop.hub.api.DockerDeployment.class);
    }

    @Test
    void everyExampleIsAKnownKindAndEveryContainerTranslates() throws IOException {
        List<HasMetadata> all = load();
        assertThat(all).extracting(HasMetadata::getKind).contains("DockerHost", "DockerContainer", "DockerJob",
                "DockerService", "DockerDeployment");

        Map<String, Optional<Map<String, byte[]>>> secrets = new HashMap<>();
        for (HasMetadata doc : all) {
            if (doc instanceof Secret secret) {
                Map<String, byte[]> data = new HashMap<>();
                secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
                secrets.put(secret.getMetadata().getName(), Optional.of(data));
            }
        }
        // the Secret the private-registry example asks the user to create
        secrets.put("regcred", Optional.of(Map.of(".dockerconfigjson",
                "{\"auths\":{\"registry.example.org:5000\":{\"username\":\"u\",\"password\":\"p\"}}}"
                        .getBytes(StandardCharsets.UTF_8))));

        for (HasMetadata doc : all) {
            assertThat(doc).as(doc.getMetadata().getName()).isInstanceOfAny(DockerHost.class, DockerContainer.class,
                    DockerJob.class, io.kdop.hub.api.DockerService.class, io.kdop.hub.api.DockerDeployment.class,
                    Secret.class);
            if (doc instanceof io.kdop.hub.api.DockerDeployment deployment) {
                // the spec passes the hub's checks, and a replica of its template translates for an agent
                assertThat(io.kdop.hub.deployment.DeploymentSpecCheck.problem(deployment.getMetadata().getName(),
                        deployment.getSpec()))
                        .as(deployment.getMetadata().getName()).isEmpty();
                DockerContainer replica = new DockerContainer();
                replica.getMetadata().setName(deployment.getMetadata().getName() + "-0");
                replica.getMetadata().setNamespace("edge");
                replica.getMetadata().setUid("uid-" + replica.getMetadata().getName());
                replica.setSpec(io.kdop.hub.deployment.ReplicaTemplate.specOn(deployment.getSpec().template(), "edge-1"));
                assertThat(ContainerTranslator.translate(replica, secrets)).as(replica.getMetadata().getName())
                        .isInstanceOf(Translation.Valid.class);
            }
            if (doc instanceof io.kdop.hub.api.DockerService service) {
                assertThat(io.kdop.hub.container.ServicePorts.of("spec.ports", service.getSpec().ports()))
                        .as(service.getMetadata().getName()).isInstanceOf(io.kdop.hub.container.ServicePorts.Result.Valid.class);
            }
            if (doc instanceof DockerContainer dc && dc.getSpec().services() != null) {
                assertThat(io.kdop.hub.container.ServicePorts.of("spec.services", dc.getSpec().services()))
                        .as(dc.getMetadata().getName()).isInstanceOf(io.kdop.hub.container.ServicePorts.Result.Valid.class);
            }
            if (doc instanceof DockerContainer dc) {
                dc.getMetadata().setNamespace("edge");
                dc.getMetadata().setUid("uid-" + dc.getMetadata().getName());
                assertThat(ContainerTranslator.translate(dc, secrets)).as(dc.getMetadata().getName())
                        .isInstanceOf(Translation.Valid.class);
            }
            if (doc instanceof DockerJob job) {
                job.getMetadata().setNamespace("edge");
                job.getMetadata().setUid("uid-" + job.getMetadata().getName());
                assertThat(JobTranslator.translate(job, secrets)).as(job.getMetadata().getName())
                        .isInstanceOf(JobTranslation.Valid.class);
            }
        }
    }

    @Test
    void everyExampleWorkloadIsAllowedByTheHostItNamesInItsOwnNamespace() throws IOException {
        List<HasMetadata> all = load();
        Map<String, DockerHost> hosts = new HashMap<>();
        for (HasMetadata doc : all) {
            doc.getMetadata().setNamespace("edge");
            doc.getMetadata().setUid("uid-" + doc.getMetadata().getName());
            if (doc instanceof DockerHost host) {
                hosts.put(host.getMetadata().getName(), host);
            }
        }
        Map<String, Optional<Map<String, byte[]>>> secrets = new HashMap<>();
        for (HasMetadata doc : all) {
            if (doc instanceof Secret secret) {
                Map<String, byte[]> data = new HashMap<>();
                secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
                secrets.put(secret.getMetadata().getName(), Optional.of(data));
            }
        }
        secrets.put("regcred", Optional.of(Map.of(".dockerconfigjson",
                "{\"auths\":{\"r:5000\":{\"username\":\"u\",\"password\":\"p\"}}}".getBytes(StandardCharsets.UTF_8))));
        int checked = 0;
        for (HasMetadata doc : all) {
            io.kdop.proto.v1.ContainerSpec spec = switch (doc) {
                case DockerContainer dc -> ((Translation.Valid) ContainerTranslator.translate(dc, secrets)).spec();
                case DockerJob job -> ((JobTranslation.Valid) JobTranslator.translate(job, secrets)).spec().getContainer();
                default -> null;
            };
            if (spec != null) {
                String ref = ((io.kdop.hub.api.HostBound) doc).dockerHostRef();
                DockerHost host = hosts.get(ref == null ? "default" : ref);
                assertThat(host).as(doc.getMetadata().getName() + " names a host of the examples").isNotNull();
                assertThat(io.kdop.hub.controller.HostPolicyGate.of(host).check(spec)).as(doc.getMetadata().getName())
                        .isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(9);

        // the shared host's policy does what its comments say
        io.kdop.proto.policy.HostPolicy shared = io.kdop.hub.controller.HostPolicyGate.of(hosts.get("shared"));
        io.kdop.proto.v1.ContainerSpec.Builder guest = io.kdop.proto.v1.ContainerSpec.newBuilder().setWorkload(
                io.kdop.proto.v1.WorkloadRef.newBuilder().setNamespace("team-a").setName("w").setUid("u"));
        assertThat(shared.check(guest.build())).isEmpty();
        assertThat(shared.check(guest.clone().setWorkload(guest.getWorkload().toBuilder().setNamespace("team-c"))
                .build())).isPresent();
        assertThat(shared.check(guest.clone().addMounts(io.kdop.proto.v1.HostMount.newBuilder()
                .setHostPath("/srv/shared/datasets/x").setContainerPath("/d").setReadOnly(true)).build())).isEmpty();
        assertThat(shared.check(guest.clone().addMounts(io.kdop.proto.v1.HostMount.newBuilder()
                .setHostPath("/srv/shared/datasets2").setContainerPath("/d").setReadOnly(true)).build())).isPresent();
        assertThat(shared.check(guest.clone().setNetworkMode("host").build())).isPresent();
    }

    private List<HasMetadata> load() throws IOException {
        List<HasMetadata> docs = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String text = Files.readString(file);
                for (String part : text.split("(?m)^---\\s*$")) {
                    if (part.lines().anyMatch(l -> l.startsWith("kind:"))) {
                        try (InputStream in = new java.io.ByteArrayInputStream(part.getBytes(StandardCharsets.UTF_8))) {
                            docs.add(serialization.unmarshal(in));
                        }
                    }
                }
            }
        }
        return docs;
    }
}
