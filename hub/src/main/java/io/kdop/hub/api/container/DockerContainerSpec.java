package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;

/**
 * What a user declares about a container, with the field names and meanings of the original
 * operator's DockerContainer (kdop only adds fields).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DockerContainerSpec(
        @Required
        @JsonPropertyDescription("The image to run, e.g. nginx:1.27 or registry.example.org:5000/team/app:v2.")
        String image,

        @JsonPropertyDescription("The Docker container name. Default: the DockerContainer's name. Unique per host.")
        @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
        String containerName,

        @JsonPropertyDescription("Replaces the image's CMD (what `docker run IMAGE ...` appends).")
        List<String> command,

        @JsonPropertyDescription("Environment variables as KEY=VALUE strings.")
        List<String> env,

        @JsonPropertyDescription("Environment variables with a literal value or one taken from a Secret key.")
        List<EnvVar> envVars,

        @JsonPropertyDescription("Published ports as [hostIP:]hostPort:containerPort[/tcp|udp], e.g. \"8080:80\".")
        List<String> ports,

        @JsonPropertyDescription("Docker (no, always, on-failure[:N], unless-stopped) or Kubernetes (Always, OnFailure, "
                + "Never) spelling, any case. Default: always.")
        String restartPolicy,

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

        @JsonPropertyDescription("Host directories bind-mounted into the container.")
        List<VolumeMount> volumeMounts,

        @JsonPropertyDescription("Secrets mounted as read-only directories, one file per key. Updated in place "
                + "when the Secret changes.")
        List<SecretVolume> secretVolumes,

        @JsonPropertyDescription("Ports of the container to expose in the cluster as Service tunnel-<name>.")
        List<ServicePort> services,

        @JsonPropertyDescription("Docker network mode: bridge, host, none, container:<name> or a network name.")
        String networkMode,

        @JsonPropertyDescription("A Docker health check; its result shows in status.health.")
        HealthCheck healthCheck,

        @JsonPropertyDescription("CPU and memory limits.")
        Resources resources) {}
