package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One environment variable: a literal value or a Secret key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvVar(
        @Required @JsonPropertyDescription("The variable's name.") String name,
        @JsonPropertyDescription("A literal value.") String value,
        @JsonPropertyDescription("Where to take the value from instead.") EnvVarSource valueFrom) {}
