package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A container port to expose in the cluster through the agent's tunnel (carried by a later kdop version). */
public record ServicePort(
        @JsonPropertyDescription("Names the Service tunnel-<name>. Default: the DockerContainer's name.") String name,
        @JsonPropertyDescription("The Service's port.") Integer port,
        @JsonPropertyDescription("The container's port. Default: port.") Integer targetPort) {}
