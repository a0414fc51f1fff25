package io.kdop.hub.api.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the hub observes about a DockerService, written only by the hub. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerServiceStatus(
        @JsonPropertyDescription("The Kubernetes Service pods connect to: tunnel-<name>.") String serviceName,
        @JsonPropertyDescription("Ready backends out of the matching ones, e.g. 2/3.") String backendsReady,
        @JsonPropertyDescription("The matching DockerContainers and whether each gets connections.")
        List<Backend> backends,
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready: at least one backend gets connections; the reason says why not otherwise.")
        List<Condition> conditions) {

    /** One matching DockerContainer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Backend(
            @JsonPropertyDescription("The DockerContainer's name.") String name,
            @JsonPropertyDescription("The DockerHost it runs on (namespace/name).") String host,
            @JsonPropertyDescription("Whether it gets new connections.") Boolean ready,
            @JsonPropertyDescription("Why not, when it does not.") String reason) {}
}
