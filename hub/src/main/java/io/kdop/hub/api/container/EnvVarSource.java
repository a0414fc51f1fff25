package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The source of an environment variable's value. */
public record EnvVarSource(
        @JsonPropertyDescription("A key of a Secret in the workload's own namespace.") SecretKeySelector secretKeyRef) {}
