package io.kdop.hub.api.service;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.kdop.hub.api.container.ServicePort;
import java.util.List;

/** What a DockerService exposes, with the Go operator's fields. */
public record DockerServiceSpec(
        @JsonPropertyDescription("One DockerContainer of this namespace to expose (instead of a selector).")
        String containerRef,
        @JsonPropertyDescription("The DockerContainers of this namespace to spread connections over, by their labels, "
                + "on any DockerHost. Only the ready ones get connections: running, healthy if they have a health "
                + "check, on a connected host.")
        LabelSelector selector,
        @JsonPropertyDescription("The Service's ports: name (the port's name), port (the Service's port) and "
                + "targetPort (the containers' port; default: port).")
        List<ServicePort> ports,
        @JsonPropertyDescription("Accepted for compatibility with the Go operator. The agent reaches each container "
                + "on the network the container itself uses.")
        String networkMode) {}
