package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Secret as a read-only directory in the container, one file per key. */
public record SecretVolume(
        @Required @JsonPropertyDescription("The Secret, in the workload's own namespace.") String secretName,
        @Required @JsonPropertyDescription("Absolute directory in the container.") String mountPath) {}
