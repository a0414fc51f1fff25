package io.kdop.hub.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One host path prefix a DockerHost's policy lets workloads mount. */
public record HostPathRule(
        @Required
        @Pattern("^/.*$")
        @JsonPropertyDescription("An absolute path on the host: it and everything below it may be mounted.")
        String pathPrefix,

        @JsonPropertyDescription("When true, mounts under this prefix must be readOnly. Default: false.")
        Boolean readOnly) {}
