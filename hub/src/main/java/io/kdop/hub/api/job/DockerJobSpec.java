package io.kdop.hub.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.Resources;
import io.kdop.hub.api.container.SecretVolume;
import io.kdop.hub.api.container.VolumeMount;
import java.util.List;

/**
 * What a user declares about a one-off task, with the field names and meanings of the original
 * operator's DockerJob. Immutable once the job started.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DockerJobSpec(
        @Required
        @JsonPropertyDescription("The image to run, e.g. my-app:1.4 or registry.example.org:5000/team/migrate:v2.")
        String image,

        @JsonPropertyDescription("The Docker container name. Default: job-<the DockerJob's name>. Unique per host.")
        @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
        String containerName,

        @JsonPropertyDescription("Replaces the image's ENTRYPOINT, e.g. [\"./migrate\", \"--direction\", \"up\"].")
        List<String> command,

        @JsonPropertyDescription("Replaces the image's CMD (the arguments passed to the entrypoint).")
        List<String> args,

        @JsonPropertyDescription("Environment variables as KEY=VALUE strings.")
        List<String> env,

        @JsonPropertyDescription("Environment variables with a literal value or one taken from a Secret key.")
        List<EnvVar> envVars,

        @JsonPropertyDescription("Host directories bind-mounted into the container.")
        List<VolumeMount> volumeMounts,

        @JsonPropertyDescription("Secrets mounted as read-only directories, one file per key.")
        List<SecretVolume> secretVolumes,

        @JsonPropertyDescription("The DockerHost to run on, looked up in this namespace, then in the hub's (a host "
                + "in another namespace takes this one only if its spec.policy.allowedNamespaces says so). "
                + "Default: a DockerHost named default.")
        String dockerHostRef,

        @JsonPropertyDescription("A Secret with credentials for the image's registry: type kubernetes.io/dockerconfigjson (or .dockercfg), "
                + "or the seed operator's form, a Secret with the keys username, password and server.")
        String imagePullSecret,

        @JsonPropertyDescription("More image pull Secrets, as in a Pod spec.")
        List<LocalObjectReference> imagePullSecrets,

        @JsonPropertyDescription("Always, IfNotPresent (default) or Never.")
        @Pattern("^(Always|IfNotPresent|Never)$")
        String imagePullPolicy,

        @JsonPropertyDescription("Never (default): every retry runs in a fresh container. OnFailure: the failed "
                + "container is started again, keeping its file system. Both retry up to backoffLimit.")
        @Pattern("^(Never|OnFailure)$")
        String restartPolicy,

        @JsonPropertyDescription("How many failed attempts are retried, with exponential backoff (10s, 20s, 40s, ... "
                + "at most 6m by default). Default: 6, as for a Kubernetes Job.")
        @Min(0)
        Integer backoffLimit,

        @JsonPropertyDescription("Seconds from the job's start after which the running attempt is killed and the job "
                + "fails with reason DeadlineExceeded. Counts across retries. Default: no deadline.")
        @Min(1)
        Long activeDeadlineSeconds,

        @JsonPropertyDescription("Seconds after the job finished at which its container is removed; the DockerJob "
                + "stays with its final status. Default: the container is kept.")
        @Min(0)
        Long ttlSecondsAfterFinished,

        @JsonPropertyDescription("CPU and memory limits.")
        Resources resources) {}
