package io.kdop.hub.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.container.Resources;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.PortBinding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Fuzzes the hub's translation of DockerContainer and DockerJob specs (whatever a user's YAML,
 * or an API server without the CRD schema, lets through) into the agent's ContainerSpec/JobSpec.
 * Contract: a complete spec the agent can act on, or a list of problems with a reason and a
 * message; never an exception. Seeds: SpecTranslationFuzzTestInputs/&lt;method&gt;, one JSON
 * document each (see {@link FuzzedWorkload}).
 */
class SpecTranslationFuzzTest {

    /** Docker keeps durations as int64 nanoseconds; the agent converts the milliseconds it gets. */
    private static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000;

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "spec.dict")
    void translateContainer(byte[] input) {
        Optional<FuzzedWorkload<DockerContainer>> in = FuzzedWorkload.read(input, "container", DockerContainer.class);
        if (in.isEmpty()) {
            return;
        }
        DockerContainer container = in.get().workload();
        Translation translation = ContainerTranslator.translate(container,
                in.get().fetch(ContainerTranslator.referencedSecrets(container.getSpec())));
        switch (translation) {
            case Translation.Valid valid -> {
                assertSendable(valid.spec());
                assertExact(container.getSpec().resources(), valid.spec().getResources());
            }
            case Translation.Invalid invalid -> assertExplained(invalid);
        }
        if (container.getSpec() != null) {
            switch (ServicePorts.of("spec.services", container.getSpec().services())) {
                case ServicePorts.Result.Valid valid -> valid.ports().forEach(p -> {
                    assertThat(p.port()).isBetween(1, 65535);
                    assertThat(p.targetPort()).isBetween(1, 65535);
                });
                case ServicePorts.Result.Invalid invalid -> assertThat(invalid.problem().message()).isNotBlank();
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "spec.dict")
    void translateJob(byte[] input) {
        Optional<FuzzedWorkload<DockerJob>> in = FuzzedWorkload.read(input, "job", DockerJob.class);
        if (in.isEmpty()) {
            return;
        }
        DockerJob job = in.get().workload();
        JobTranslation translation = JobTranslator.translate(job, in.get().fetch(JobTranslator.referencedSecrets(job.getSpec())));
        switch (translation) {
            case JobTranslation.Valid valid -> {
                JobSpec spec = valid.spec();
                assertSendable(spec.getContainer());
                assertExact(job.getSpec().resources(), spec.getContainer().getResources());
                assertThat(spec.getBackoffLimit()).isNotNegative();
                assertThat(spec.getActiveDeadlineSeconds()).isNotNegative();
                assertThat(spec.getTtlSecondsAfterFinished()).isNotNegative();
                assertThat(spec.getSpecDigest()).matches("[0-9a-f]{32}");
            }
            case JobTranslation.Invalid invalid -> assertExplained(invalid.problems());
        }
        assertThat(JobTranslator.started(job, "digest", Optional.empty()).getContainer().getContainerName()).isNotEmpty();
    }

    /** What reaches an agent is within what Docker takes. */
    private static void assertSendable(ContainerSpec spec) {
        assertThat(spec.getImage()).isNotBlank();
        assertThat(spec.getContainerName()).isNotEmpty();
        for (PortBinding port : spec.getPortsList()) {
            assertThat(port.getContainerPort()).isBetween(1, 65535);
            assertThat(port.getHostPort()).isBetween(0, 65535);
            assertThat(port.getProtocol()).isIn("tcp", "udp");
        }
        for (HostMount mount : spec.getMountsList()) {
            assertAbsolute(mount.getHostPath());
            assertAbsolute(mount.getContainerPath());
        }
        spec.getSecretFilesList().forEach(files -> assertAbsolute(files.getMountPath()));
        assertThat(spec.getMaxRestartCount()).isNotNegative();
        if (spec.hasHealthCheck()) {
            assertThat(spec.getHealthCheck().getRetries()).isNotNegative();
            assertThat(spec.getHealthCheck().getIntervalMillis()).isBetween(0L, MAX_MILLIS);
            assertThat(spec.getHealthCheck().getTimeoutMillis()).isBetween(0L, MAX_MILLIS);
            assertThat(spec.getHealthCheck().getStartPeriodMillis()).isBetween(0L, MAX_MILLIS);
        }
        assertThat(spec.getResources().getNanoCpus()).satisfiesAnyOf(n -> assertThat(n).isZero(),
                n -> assertThat(n).isGreaterThanOrEqualTo(1_000_000L));
        assertThat(spec.getResources().getMemoryBytes()).satisfiesAnyOf(n -> assertThat(n).isZero(),
                n -> assertThat(n).isGreaterThanOrEqualTo(6L * 1024 * 1024));
    }

    /** The limits Docker gets are the ones written, never wrapped around into others. */
    private static void assertExact(Resources written, io.kdop.proto.v1.Resources sent) {
        if (written != null && written.cpuLimit() != null) {
            BigDecimal cpus = Quantity.getAmountInBytes(new Quantity(written.cpuLimit().strip()));
            assertThat(BigDecimal.valueOf(sent.getNanoCpus()))
                    .isEqualByComparingTo(cpus.movePointRight(9).setScale(0, RoundingMode.DOWN));
        }
        if (written != null && written.memoryLimit() != null) {
            BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(written.memoryLimit().strip()));
            assertThat(BigDecimal.valueOf(sent.getMemoryBytes())).isEqualByComparingTo(bytes.setScale(0, RoundingMode.DOWN));
        }
    }

    private static void assertAbsolute(String path) {
        assertThat(path).startsWith("/").doesNotContain("\0");
        assertThat(path.split("/")).doesNotContain("..");
    }

    private static void assertExplained(Translation.Invalid invalid) {
        assertThat(invalid.problems()).isNotEmpty().allSatisfy(problem -> {
            assertThat(problem.reason()).matches("[A-Z][A-Za-z]+");
            assertThat(problem.message()).isNotBlank();
        });
        assertThat(invalid.summary().message()).isNotBlank();
    }
}
