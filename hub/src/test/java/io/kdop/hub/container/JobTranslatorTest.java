package io.kdop.hub.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.EnvVarSource;
import io.kdop.hub.api.container.Resources;
import io.kdop.hub.api.container.SecretKeySelector;
import io.kdop.hub.api.job.DockerJobSpec;
import io.kdop.proto.v1.JobOutcome;
import io.kdop.proto.v1.JobRestartPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobTranslatorTest {

    private static final Map<String, Optional<Map<String, byte[]>>> SECRETS = Map.of(
            "db-credentials", Optional.of(Map.of("connection-string", "postgres://u:p@db/app".getBytes(StandardCharsets.UTF_8))));

    @Test
    void theSeedsExampleTranslatesWithKubernetesMeaningsOfCommandAndArgs() {
        DockerJobSpec spec = new DockerJobSpec("my-app:latest", null, List.of("./migrate"), List.of("--direction", "up"),
                List.of("MODE=prod"),
                List.of(new EnvVar("DATABASE_URL", null,
                        new EnvVarSource(new SecretKeySelector("db-credentials", "connection-string")))),
                null, null, "remote-host", null, null, null, "Never", 3, 300L, 600L, new Resources("1", "128Mi"));

        JobSpec out = valid(job("db-migrate", spec));

        assertThat(out.getContainer().getWorkload().getKind()).isEqualTo("DockerJob");
        assertThat(out.getContainer().getContainerName()).isEqualTo("job-db-migrate");
        assertThat(out.getContainer().getEntrypointList()).containsExactly("./migrate");
        assertThat(out.getContainer().getCommandList()).containsExactly("--direction", "up");
        assertThat(out.getContainer().getRestartPolicy()).isEqualTo(RestartPolicy.RESTART_NO);
        assertThat(out.getContainer().getEnvList()).extracting(e -> e.getName() + "=" + e.getValue())
                .containsExactly("MODE=prod", "DATABASE_URL=postgres://u:p@db/app");
        assertThat(out.getContainer().getResources().getMemoryBytes()).isEqualTo(128L << 20);
        assertThat(out.getRestartPolicy()).isEqualTo(JobRestartPolicy.JOB_RESTART_NEVER);
        assertThat(out.getBackoffLimit()).isEqualTo(3);
        assertThat(out.getActiveDeadlineSeconds()).isEqualTo(300);
        assertThat(out.getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(out.getSpecDigest()).hasSize(32).isEqualTo(JobTranslator.digest(spec));
        assertThat(out.hasFinished()).isFalse();
    }

    @Test
    void defaultsAreThoseOfAKubernetesJob() {
        JobSpec out = valid(job("backup", minimal("busybox")));

        assertThat(out.getBackoffLimit()).isEqualTo(6);
        assertThat(out.getActiveDeadlineSeconds()).isZero();
        assertThat(out.hasTtlSecondsAfterFinished()).as("no TTL: the container is kept").isFalse();
        assertThat(out.getRestartPolicy()).isEqualTo(JobRestartPolicy.JOB_RESTART_NEVER);
    }

    @Test
    void aBegunJobIsSentOnlyAsWhatIdentifiesIt() {
        DockerJobSpec spec = new DockerJobSpec("my-app:latest", null, List.of("./migrate"), null, null,
                List.of(new EnvVar("DATABASE_URL", null,
                        new EnvVarSource(new SecretKeySelector("db-credentials", "connection-string")))),
                null, null, null, null, null, null, null, 3, 300L, 600L, null);
        JobOutcome outcome = JobOutcome.newBuilder().setSucceeded(true).setCompletionTime("2026-11-21T10:00:05Z").build();

        JobSpec out = JobTranslator.started(job("db-migrate", spec), "d0", Optional.of(outcome));

        assertThat(out.getStarted()).isTrue();
        assertThat(out.getFinished()).isEqualTo(outcome);
        assertThat(out.getSpecDigest()).isEqualTo("d0");
        assertThat(out.getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(out.getBackoffLimit()).as("an agent adopting it keeps its policy").isEqualTo(3);
        assertThat(out.getActiveDeadlineSeconds()).isEqualTo(300);
        assertThat(out.getContainer().getContainerName()).isEqualTo("job-db-migrate");
        assertThat(out.getContainer().getImage()).isEmpty();
        assertThat(out.getContainer().getEnvList()).as("no secret value travels again").isEmpty();
    }

    @Test
    void theDigestChangesWithTheSpecAndNotWithTheSecretsValues() {
        DockerJobSpec a = minimal("busybox:1");
        DockerJobSpec b = minimal("busybox:2");

        assertThat(JobTranslator.digest(a)).isEqualTo(JobTranslator.digest(minimal("busybox:1"))).isNotEqualTo(JobTranslator.digest(b));
    }

    @Test
    void everyBadFieldIsReportedWithItsOwnReason() {
        DockerJobSpec spec = new DockerJobSpec("busybox", null, null, null, List.of("NOEQUALS"),
                List.of(new EnvVar("X", null, new EnvVarSource(new SecretKeySelector("missing", "k")))),
                null, null, null, null, null, null, "Always", -1, 0L, -5L, null);

        JobTranslation out = JobTranslator.translate(job("bad", spec), SECRETS);

        assertThat(out).isInstanceOf(JobTranslation.Invalid.class);
        assertThat(((JobTranslation.Invalid) out).problems().problems()).extracting(SpecProblem::reason)
                .containsExactly("InvalidRestartPolicy", "InvalidBackoffLimit", "InvalidDeadline", "InvalidTTL",
                        "InvalidEnv", "SecretNotFound");
        assertThat(((JobTranslation.Invalid) out).problems().summary().message())
                .contains("spec.restartPolicy \"Always\" is not Never or OnFailure", "Secret missing does not exist");
    }

    @Test
    void aMissingImageIsRefused() {
        JobTranslation out = JobTranslator.translate(job("x", minimal(" ")), SECRETS);

        assertThat(((JobTranslation.Invalid) out).problems().first().reason()).isEqualTo("MissingImage");
    }

    static DockerJobSpec minimal(String image) {
        return new DockerJobSpec(image, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    private static JobSpec valid(DockerJob job) {
        JobTranslation out = JobTranslator.translate(job, SECRETS);
        assertThat(out).isInstanceOf(JobTranslation.Valid.class);
        return ((JobTranslation.Valid) out).spec();
    }

    private static DockerJob job(String name, DockerJobSpec spec) {
        DockerJob job = new DockerJob();
        job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("edge").withUid("uid-" + name).build());
        job.setSpec(spec);
        return job;
    }
}
