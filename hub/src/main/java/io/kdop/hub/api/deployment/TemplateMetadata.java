package io.kdop.hub.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** The part of a replica's metadata a template sets. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TemplateMetadata(
        @JsonPropertyDescription("Labels of each replica; spec.selector must match them.") Map<String, String> labels,
        @JsonPropertyDescription("Annotations of each replica.") Map<String, String> annotations) {}
