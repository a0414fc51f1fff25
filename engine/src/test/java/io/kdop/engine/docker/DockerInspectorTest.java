package io.kdop.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.ManagedContainer;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** Against the real Docker daemon; with CI=true an unreachable daemon fails the test instead of skipping it. */
class DockerInspectorTest {

    private static final String DOCKER_HOST = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final String IMAGE = "kdop-agent-test-empty";

    @Test
    void readsFactsAndManagedContainersFromTheDaemon() throws Exception {
        try (DockerInspector inspector = new DockerInspector(DOCKER_HOST); DockerClient docker = client()) {
            HostFacts facts = inspector.inspect().facts();
            requireDocker(facts);
            assertThat(facts.getDockerVersion()).isNotEmpty();
            assertThat(facts.getDockerApiVersion()).isNotEmpty();
            assertThat(facts.getOs()).isEqualTo("linux");
            assertThat(facts.getArch()).isNotEmpty();
            assertThat(facts.getKernelVersion()).isNotEmpty();
            assertThat(facts.getCpus()).isPositive();
            assertThat(facts.getMemoryBytes()).isPositive();
            assertThat(facts.getHostname()).isNotEmpty();

            String suffix = UUID.randomUUID().toString().substring(0, 8);
            // FROM scratch with one file: enough to create (not start) containers, and needs no registry
            String image = IMAGE + ":" + suffix;
            docker.buildImageCmd(new ByteArrayInputStream(buildContext())).withTags(java.util.Set.of(image))
                    .start().awaitImageId();
            String managed = null;
            String foreign = null;
            try {
                managed = docker.createContainerCmd(image).withName("kdop-test-managed-" + suffix).withCmd("/none")
                        .withLabels(Map.of(ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE,
                                ManagedContainers.WORKLOAD_KIND, "DockerContainer",
                                ManagedContainers.WORKLOAD_NAMESPACE, "shop",
                                ManagedContainers.WORKLOAD_NAME, "web",
                                ManagedContainers.WORKLOAD_UID, "uid-" + suffix,
                                ManagedContainers.SPEC_HASH, "hash-" + suffix))
                        .exec().getId();
                foreign = docker.createContainerCmd(image).withName("kdop-test-foreign-" + suffix).withCmd("/none")
                        .exec().getId();

                HostSnapshot snapshot = inspector.inspect();
                String managedId = managed;
                String foreignId = foreign;
                assertThat(snapshot.inventory()).extracting(ManagedContainer::getContainerId)
                        .contains(managedId).doesNotContain(foreignId);
                ManagedContainer entry = snapshot.inventory().stream()
                        .filter(c -> c.getContainerId().equals(managedId)).findFirst().orElseThrow();
                assertThat(entry.getName()).isEqualTo("kdop-test-managed-" + suffix);
                assertThat(entry.getWorkload().getUid()).isEqualTo("uid-" + suffix);
                assertThat(entry.getSpecHash()).isEqualTo("hash-" + suffix);
                assertThat(entry.getState()).isEqualTo("created");
                assertThat(snapshot.facts().getManagedContainers()).isEqualTo(snapshot.inventory().size());
                assertThat(snapshot.facts().getContainersTotal()).isGreaterThanOrEqualTo(2);
            } finally {
                for (String id : new String[] {managed, foreign}) {
                    if (id != null) {
                        docker.removeContainerCmd(id).withForce(true).exec();
                    }
                }
                docker.removeImageCmd(image).exec();
            }
        }
    }

    @Test
    void reportsTheHostWithoutDockerFactsWhenDockerIsUnreachable() throws Exception {
        try (DockerInspector inspector = new DockerInspector("unix:///nonexistent/docker.sock")) {
            HostSnapshot snapshot = inspector.inspect();
            assertThat(snapshot.facts().getDockerVersion()).isEmpty();
            assertThat(snapshot.facts().getHostname()).isNotEmpty();
            assertThat(snapshot.inventory()).isEmpty();
            assertThat(snapshot.facts().getDockerError())
                    .startsWith("cannot reach Docker at unix:///nonexistent/docker.sock: ")
                    .hasSizeLessThanOrEqualTo(300)
                    .doesNotContain("\n");
        }
    }

    private static void requireDocker(HostFacts facts) {
        if (facts.getDockerVersion().isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Docker is unreachable at " + DOCKER_HOST + " (CI=true: Docker tests must run)");
            }
            assumeTrue(false, "Docker is unreachable at " + DOCKER_HOST);
        }
    }

    /** A build context: a Dockerfile FROM scratch that copies one small file. */
    private static byte[] buildContext() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (String[] file : new String[][] {{"Dockerfile", "FROM scratch\nCOPY README /\n"}, {"README", "kdop\n"}}) {
                byte[] content = file[1].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                TarArchiveEntry entry = new TarArchiveEntry(file[0]);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static DockerClient client() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(DOCKER_HOST).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).build());
    }
}
