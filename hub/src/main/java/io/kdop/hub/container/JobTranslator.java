package io.kdop.hub.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.job.DockerJobSpec;
import io.kdop.proto.v1.JobOutcome;
import io.kdop.proto.v1.JobRestartPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a DockerJob and the Secrets it references into the self-contained JobSpec its agent runs.
 * A job's attempts are containers, so the container part is translated by the same rules as a
 * DockerContainer's; the seed's job fields map as Kubernetes maps them: command replaces the
 * image's ENTRYPOINT, args its CMD. Pure.
 */
public final class JobTranslator {

    /** Kubernetes' default for a Job's backoffLimit. */
    public static final int DEFAULT_BACKOFF_LIMIT = 6;

    /** Unset fields leave no trace, so a field added to the model does not change existing digests. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
            .build();

    private JobTranslator() {}

    /** The names of every Secret the spec references, so the caller can fetch them. */
    public static Set<String> referencedSecrets(DockerJobSpec spec) {
        return spec == null ? Set.of() : ContainerTranslator.referencedSecrets(asContainer(spec));
    }

    /** The container name of the job's attempts: spec.containerName, or job-&lt;name&gt;. */
    public static String containerName(DockerJob job) {
        String name = job.getSpec() == null ? null : job.getSpec().containerName();
        return name == null || name.isBlank() ? "job-" + job.getMetadata().getName() : name;
    }

    /**
     * @param secrets every referenced Secret's data by name; an absent value means the Secret does not exist
     */
    public static JobTranslation translate(DockerJob job, Map<String, Optional<Map<String, byte[]>>> secrets) {
        DockerJobSpec spec = job.getSpec();
        if (spec == null) {
            return new JobTranslation.Invalid(new Translation.Invalid(
                    List.of(SpecProblem.of("MissingImage", "spec.image is required"))));
        }
        WorkloadRef workload = workload(job);
        List<SpecProblem> problems = new ArrayList<>(policyProblems(spec));
        Translation container = ContainerTranslator.translate(workload, containerName(job), asContainer(spec), secrets);
        if (container instanceof Translation.Invalid invalid) {
            problems.addAll(invalid.problems());
        }
        if (!problems.isEmpty()) {
            return new JobTranslation.Invalid(new Translation.Invalid(List.copyOf(problems)));
        }
        return switch (container) {
            case Translation.Invalid invalid -> throw new IllegalStateException("handled above");
            case Translation.Valid valid -> {
                JobSpec.Builder out = policy(spec)
                        .setContainer(valid.spec().toBuilder().addAllEntrypoint(nn(spec.command())))
                        .setSpecDigest(digest(spec));
                yield new JobTranslation.Valid(out.build());
            }
        };
    }

    /**
     * What the hub sends for a job the agent has begun: only what identifies it, never the spec
     * again (the agent goes on with the one it started; an edit would not apply, and Secrets
     * need not exist any more). An agent that lost its record learns from it not to start the job.
     *
     * @param startedDigest the digest of the spec the job started with
     * @param outcome the final outcome, once the job finished
     */
    public static JobSpec started(DockerJob job, String startedDigest, Optional<JobOutcome> outcome) {
        // The policy is no secret and the spec cannot have changed since the start (SpecImmutable):
        // an agent that lost its record and adopts the running container keeps retries and deadline.
        JobSpec.Builder out = (job.getSpec() == null ? JobSpec.newBuilder() : policy(job.getSpec()))
                .setContainer(io.kdop.proto.v1.ContainerSpec.newBuilder()
                        .setWorkload(workload(job))
                        .setContainerName(containerName(job)))
                .setSpecDigest(startedDigest)
                .setStarted(true);
        outcome.ifPresent(out::setFinished);
        return out.build();
    }

    /** Retries, deadline and clean-up, with Kubernetes' defaults. */
    private static JobSpec.Builder policy(DockerJobSpec spec) {
        JobSpec.Builder out = JobSpec.newBuilder()
                .setRestartPolicy("OnFailure".equals(spec.restartPolicy())
                        ? JobRestartPolicy.JOB_RESTART_ON_FAILURE : JobRestartPolicy.JOB_RESTART_NEVER)
                .setBackoffLimit(spec.backoffLimit() == null ? DEFAULT_BACKOFF_LIMIT : spec.backoffLimit())
                .setActiveDeadlineSeconds(spec.activeDeadlineSeconds() == null ? 0 : spec.activeDeadlineSeconds());
        if (spec.ttlSecondsAfterFinished() != null) {
            out.setTtlSecondsAfterFinished(spec.ttlSecondsAfterFinished());
        }
        return out;
    }

    /**
     * A digest of the spec as the user wrote it (not of its translation, which changes with the
     * Secrets' values): the agent reports the digest it started with, so the hub can tell an
     * edit made after the start.
     */
    public static String digest(DockerJobSpec spec) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical), 0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest a DockerJob spec", e);
        }
    }

    /** The job's own fields, which the schema checks too (but not every API server enforces a schema). */
    private static List<SpecProblem> policyProblems(DockerJobSpec spec) {
        List<SpecProblem> problems = new ArrayList<>();
        // the container's translation sees args as its command: a null in either is named here
        ContainerTranslator.entries(spec.command(), "spec.command", problems);
        ContainerTranslator.entries(spec.args(), "spec.args", problems);
        if (spec.restartPolicy() != null && !List.of("Never", "OnFailure").contains(spec.restartPolicy())) {
            problems.add(SpecProblem.of("InvalidRestartPolicy", "spec.restartPolicy \"" + spec.restartPolicy()
                    + "\" is not Never or OnFailure"));
        }
        if (spec.backoffLimit() != null && spec.backoffLimit() < 0) {
            problems.add(SpecProblem.of("InvalidBackoffLimit", "spec.backoffLimit must not be negative"));
        }
        if (spec.activeDeadlineSeconds() != null && spec.activeDeadlineSeconds() < 1) {
            problems.add(SpecProblem.of("InvalidDeadline", "spec.activeDeadlineSeconds must be at least 1"));
        }
        if (spec.ttlSecondsAfterFinished() != null && spec.ttlSecondsAfterFinished() < 0) {
            problems.add(SpecProblem.of("InvalidTTL", "spec.ttlSecondsAfterFinished must not be negative"));
        }
        return problems;
    }

    private static WorkloadRef workload(DockerJob job) {
        return WorkloadRef.newBuilder()
                .setKind("DockerJob")
                .setNamespace(job.getMetadata().getNamespace())
                .setName(job.getMetadata().getName())
                .setUid(job.getMetadata().getUid())
                .build();
    }

    private static DockerContainerSpec asContainer(DockerJobSpec spec) {
        List<String> args = spec.args() == null ? null : spec.args().stream().filter(Objects::nonNull).toList();
        return new DockerContainerSpec(spec.image(), null, args, spec.env(), spec.envVars(), null, "no",
                spec.dockerHostRef(), spec.imagePullSecret(), spec.imagePullSecrets(), spec.imagePullPolicy(),
                spec.volumeMounts(), spec.secretVolumes(), null, null, null, spec.resources());
    }

    private static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }
}
