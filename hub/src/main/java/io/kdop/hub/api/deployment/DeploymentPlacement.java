package io.kdop.hub.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** Which hosts replicas may go to, and how many on one host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentPlacement(
        @JsonPropertyDescription("DockerHosts by label, in this namespace and then in the hub's (a name found in "
                + "this namespace hides the hub's host of that name, as with dockerHostRef). Replicas are spread: "
                + "no host gets a second one before every eligible host has one. New replicas go only to hosts "
                + "that are Connected and Ready. Unset: the host called default.")
        LabelSelector hostSelector,
        @Min(1)
        @JsonPropertyDescription("At most this many replicas on one host; replicas that fit nowhere wait. "
                + "Default: no limit.")
        Integer maxPerHost) {}
