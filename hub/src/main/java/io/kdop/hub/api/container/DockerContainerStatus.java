package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the hub observes about a DockerContainer, written only by the hub. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerContainerStatus(
        @JsonPropertyDescription("Pending, Pulling, Creating, Running, Restarting, Exited, Failed, Removing, or Unknown "
                + "while the host is disconnected.")
        String phase,
        @JsonPropertyDescription("The DockerHost (namespace/name) the container runs on.") String host,
        @JsonPropertyDescription("The Docker container ID.") String containerID,
        @JsonPropertyDescription("Docker's health status: starting, healthy or unhealthy (empty without a health check).")
        String health,
        @JsonPropertyDescription("The container's IPv4 address on its Docker network.") String ipv4,
        @JsonPropertyDescription("How often the container was restarted or recreated.") Integer restartCount,
        @JsonPropertyDescription("When the container last started.") String startedAt,
        @JsonPropertyDescription("Exit code of the last run, when the container exited.") Integer exitCode,
        @JsonPropertyDescription("Why the container is in this phase, when there is something to say.") String message,
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("The Service tunnel-<name> in front of the container, when it declares services.")
        String service,
        @JsonPropertyDescription("Ready: the container runs as declared (and is healthy, if it has a health check). "
                + "Serving (with services): connections to the Service reach the container; the reason says why not.")
        List<Condition> conditions) {

    /** The same status with the Service in front of the container and its Serving condition. */
    public DockerContainerStatus withService(String serviceName, List<Condition> withServing) {
        return new DockerContainerStatus(phase, host, containerID, health, ipv4, restartCount, startedAt, exitCode,
                message, observedGeneration, serviceName, withServing);
    }
}
