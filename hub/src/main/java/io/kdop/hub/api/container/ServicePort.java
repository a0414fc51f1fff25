package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One port of the Service tunnel-NAME that carries connections to a container port through the
 * agent's own connection.
 */
public record ServicePort(
        @JsonPropertyDescription("The Service port's name (lower-case letters, digits and '-'). With several ports an "
                + "unnamed one is called port-<port>.") String name,
        @JsonPropertyDescription("The Service's port, e.g. 80.") Integer port,
        @JsonPropertyDescription("The container's port. Default: port.") Integer targetPort) {}
