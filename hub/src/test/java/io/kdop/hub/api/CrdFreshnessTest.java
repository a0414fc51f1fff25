package io.kdop.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.Arrays;
import java.util.Comparator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD YAML in charts/kdop-hub/crds/ is generated from the model classes and committed. This test regenerates
 * it and fails when the committed copy differs. To refresh it: {@code scripts/update-crds.sh}.
 */
class CrdFreshnessTest {

    static final List<Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> KINDS =
            List.of(DockerHost.class, DockerContainer.class, DockerJob.class, DockerService.class,
                    DockerDeployment.class);
    private static final Path COMMITTED = Path.of("..", "charts", "kdop-hub", "crds");

    @Test
    void committedCrdsMatchTheModel(@TempDir Path generated) throws IOException {
        generate(generated);
        if (Boolean.getBoolean("kdop.updateCrds")) {
            try (Stream<Path> files = Files.list(generated)) {
                for (Path file : files.toList()) {
                    Files.copy(file, COMMITTED.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> generatedFiles = Files.list(generated); Stream<Path> committedFiles = Files.list(COMMITTED)) {
            assertThat(committedFiles.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("charts/kdop-hub/crds/ holds exactly the generated CRDs: run scripts/update-crds.sh and remove leftovers")
                    .isEqualTo(Files.list(generated).map(p -> p.getFileName().toString()).sorted().toList());
            for (Path file : generatedFiles.toList()) {
                Path committed = COMMITTED.resolve(file.getFileName());
                assertThat(committed).as("charts/kdop-hub/crds/%s is missing: run scripts/update-crds.sh", file.getFileName()).exists();
                assertThat(Files.readString(committed))
                        .as("charts/kdop-hub/crds/%s is stale: run scripts/update-crds.sh and commit the result", file.getFileName())
                        .isEqualTo(Files.readString(file));
            }
        }
    }

    @Test
    void dockerHostCrdHasTheColumnsAndNamesUsersSee(@TempDir Path generated) throws IOException {
        generate(generated);
        String yaml = Files.readString(generated.resolve("dockerhosts.kdop.io.vn-v1.yml"));
        assertThat(yaml).contains("- dh", "- kdop", "name: Phase", "name: Ready", "name: Docker", "subresources:",
                "status: {}", "Pending (no agent has connected yet)");
        assertThat(yaml.indexOf("name: Phase")).isLessThan(yaml.indexOf("name: Ready"));
        assertThat(yaml.indexOf("name: Heartbeat")).isLessThan(yaml.indexOf("name: Age\n"));
        assertThat(yaml).contains("name: Agent\n      priority: 1"); // kubectl get dockerhosts -o wide
    }

    @SuppressWarnings("unchecked")
    private static void generate(Path dir) {
        new CRDGenerator()
                .customResourceClasses(KINDS.toArray(Class[]::new))
                .forCRDVersions("v1")
                .withParallelGenerationEnabled(false)
                .withMinQuotes(true)
                .withPostProcessor(new DeclaredColumnOrder())
                .inOutputDir(dir.toFile())
                .generate();
    }

    /** kubectl shows printer columns in CRD order; the generator sorts them by name, so put back the order the model declares. */
    private static final class DeclaredColumnOrder implements CRDPostProcessor {
        @Override
        public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            CustomResourceDefinition definition = (CustomResourceDefinition) crd;
            Class<?> kind = KINDS.stream()
                    .filter(k -> k.getSimpleName().equals(definition.getSpec().getNames().getKind()))
                    .findFirst().orElseThrow();
            List<String> declared = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
                version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
            }
            return crd;
        }
    }
}
