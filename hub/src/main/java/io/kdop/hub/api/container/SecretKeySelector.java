package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret. */
public record SecretKeySelector(
        @Required @JsonPropertyDescription("The Secret's name.") String name,
        @Required @JsonPropertyDescription("The key in the Secret.") String key) {}
