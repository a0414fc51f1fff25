package io.kdop.hub.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the hub observes about a DockerJob, written only by the hub from its agent's reports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerJobStatus(
        @JsonPropertyDescription("Pending, Running, Succeeded or Failed. Succeeded and Failed are final.")
        String phase,
        @JsonPropertyDescription("The DockerHost (namespace/name) the job runs on.") String host,
        @JsonPropertyDescription("The Docker container of the current or last attempt.") String containerID,
        @JsonPropertyDescription("When the agent began the job; activeDeadlineSeconds counts from here.") String startTime,
        @JsonPropertyDescription("When the job succeeded or failed for good.") String completionTime,
        @JsonPropertyDescription("The exit code of the last attempt that exited.") Integer exitCode,
        @JsonPropertyDescription("Attempts started so far: at most backoffLimit + 1, and up to 3 more that a restart of the Docker daemon interrupted (those do not count against backoffLimit).") Integer attempts,
        @JsonPropertyDescription("Why the job is in this phase, machine-readable: e.g. ImagePullFailed while it "
                + "waits for its image, BackoffLimitExceeded or DeadlineExceeded when it failed.") String reason,
        @JsonPropertyDescription("What the job waits for, or why it failed; on failure it ends with the last lines "
                + "of the container's output.") String message,
        @JsonPropertyDescription("True once the finished job's container was removed (ttlSecondsAfterFinished).")
        Boolean containerRemoved,
        @JsonPropertyDescription("A digest of the spec the job started with; a later edit is ignored and shows as "
                + "Accepted=False, reason SpecImmutable.") String specDigest,
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Accepted: the spec is valid and is what runs. Complete or Failed: the final outcome, "
                + "with reasons such as BackoffLimitExceeded or DeadlineExceeded.")
        List<Condition> conditions) {

    /** Whether the agent has begun the job: from then on its spec is fixed and it stays on its host. */
    public boolean started() {
        return startTime != null;
    }

    public boolean finished() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
