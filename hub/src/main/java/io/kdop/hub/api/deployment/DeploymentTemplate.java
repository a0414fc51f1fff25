package io.kdop.hub.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.kdop.hub.api.container.DockerContainerSpec;

/** The DockerContainer every replica is made from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentTemplate(
        @JsonPropertyDescription("Labels and annotations each replica gets (a DockerService selects replicas by them).")
        TemplateMetadata metadata,
        @Required
        @JsonPropertyDescription("The replicas' DockerContainer spec. containerName is ignored: each replica's Docker "
                + "container is named after its DockerContainer. Without dockerHostRef, spec.placement chooses hosts.")
        DockerContainerSpec spec) {}
