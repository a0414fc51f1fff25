package io.kdop.hub.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.HealthCheck;
import io.kdop.hub.api.container.Resources;
import io.kdop.hub.api.container.SecretVolume;
import io.kdop.hub.api.container.VolumeMount;
import io.kdop.hub.api.job.DockerJobSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What JSON and an API server without the CRD's schema let through becomes a problem on the
 * object, never an exception in the reconciler (each found by SpecTranslationFuzzTest; its seeds
 * replay them).
 */
class TranslationRobustnessTest {

    @Test
    void anObjectWithoutSpecRefersToNoSecretAndMissesItsImage() {
        assertThat(ContainerTranslator.referencedSecrets(null)).isEmpty();
        assertThat(JobTranslator.referencedSecrets(null)).isEmpty();
        assertThat(problems(container(null))).containsExactly("MissingImage: spec.image is required");
    }

    @Test
    void nullListEntriesAreProblemsNamedByTheirIndex() {
        DockerContainerSpec spec = new DockerContainerSpec("busybox", null, nulls("ls", null), null, nulls((EnvVar) null),
                null, null, null, null, nulls((LocalObjectReference) null), null, nulls(null, (VolumeMount) null),
                nulls((SecretVolume) null), null, null, new HealthCheck(nulls(null, "true"), null, null, null, null), null);

        assertThat(ContainerTranslator.referencedSecrets(spec)).isEmpty();
        assertThat(problems(container(spec))).containsExactly(
                "EmptyEntry: spec.command[1] is null",
                "EmptyEntry: spec.envVars[0] is null",
                "EmptyEntry: spec.volumeMounts[0] is null",
                "EmptyEntry: spec.volumeMounts[1] is null",
                "EmptyEntry: spec.secretVolumes[0] is null",
                "EmptyEntry: spec.healthCheck.test[0] is null",
                "EmptyEntry: spec.imagePullSecrets[0] is null");
    }

    @Test
    void aJobsNullCommandOrArgsEntryIsNamedByItsOwnField() {
        DockerJobSpec spec = new DockerJobSpec("busybox", null, nulls("./run", null), nulls((String) null), null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        DockerJob job = new DockerJob();
        job.setMetadata(new ObjectMetaBuilder().withName("once").withNamespace("edge").withUid("uid-once").build());
        job.setSpec(spec);

        JobTranslation out = JobTranslator.translate(job, Map.of());

        assertThat(((JobTranslation.Invalid) out).problems().problems()).extracting(SpecProblem::message)
                .containsExactly("spec.command[1] is null", "spec.args[0] is null");
    }

    @Test
    void durationsPastDockersLimitAreRefused() {
        // 3000000h fits Java's milliseconds but not Docker's nanoseconds; 3000000000000h neither
        assertThat(problems(container(withHealth("3000000h")))).containsExactly("InvalidDuration: spec.healthCheck.interval "
                + "\"3000000h\" is longer than Docker's limit of about 292 years");
        assertThat(problems(container(withHealth("3000000000000h")))).singleElement().asString()
                .endsWith("is longer than Docker's limit of about 292 years");
        assertThat(problems(container(withHealth("-1s")))).containsExactly(
                "InvalidDuration: spec.healthCheck.interval \"-1s\" must not be negative");
    }

    @Test
    void quantitiesLargerThanALongAreRefusedNotWrappedAround() {
        // 2^64 + 8Mi wrapped around to 8Mi; 2^64 Ki to 0
        assertThat(problems(container(withResources(null, "18446744073718940160")))).containsExactly(
                "InvalidResources: spec.memoryLimit \"18446744073718940160\" is larger than Docker can take");
        assertThat(problems(container(withResources("18446744073709551617", "18446744073709551616Ki"))))
                .containsExactly("InvalidResources: spec.cpuLimit \"18446744073709551617\" is larger than Docker can take",
                        "InvalidResources: spec.memoryLimit \"18446744073709551616Ki\" is larger than Docker can take");
    }

    @Test
    void aNulInAPathIsRefused() {
        DockerContainerSpec spec = new DockerContainerSpec("busybox", null, null, null, null, null, null, null, null, null,
                null, List.of(new VolumeMount("/data\0x", "/d", null)), null, null, null, null, null);

        assertThat(problems(container(spec))).containsExactly(
                "InvalidPath: spec.volumeMounts.hostPath \"/data\\0x\" contains a NUL character");
    }

    private static DockerContainerSpec withHealth(String interval) {
        return new DockerContainerSpec("busybox", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, new HealthCheck(List.of("true"), interval, null, null, null), null);
    }

    private static DockerContainerSpec withResources(String cpu, String memory) {
        return new DockerContainerSpec("busybox", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, new Resources(cpu, memory));
    }

    @SafeVarargs
    private static <T> List<T> nulls(T... entries) {
        return Arrays.asList(entries); // List.of refuses nulls
    }

    private static List<String> problems(DockerContainer container) {
        Translation out = ContainerTranslator.translate(container, Map.of());
        assertThat(out).isInstanceOf(Translation.Invalid.class);
        return ((Translation.Invalid) out).problems().stream().map(p -> p.reason() + ": " + p.message()).toList();
    }

    private static DockerContainer container(DockerContainerSpec spec) {
        DockerContainer dc = new DockerContainer();
        dc.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").withUid("uid-1").build());
        dc.setSpec(spec);
        return dc;
    }
}
