package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A host directory bind-mounted into the container. */
public record VolumeMount(
        @Required @JsonPropertyDescription("Absolute path on the Docker host.") String hostPath,
        @Required @JsonPropertyDescription("Absolute path in the container.") String containerPath,
        @JsonPropertyDescription("Mount read-only. Default: false.") Boolean readOnly) {}
