package io.kdop.hub.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** What a user declares about a DockerDeployment: the Go operator's fields plus placement and strategy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerDeploymentSpec(
        @SpecReplicas
        @Min(0)
        @JsonPropertyDescription("How many DockerContainers to run. Default: 1. `kubectl scale` sets it.")
        Integer replicas,

        @Required
        @JsonPropertyDescription("The labels of the DockerContainers this deployment owns; must match "
                + "template.metadata.labels.")
        LabelSelector selector,

        @Required
        @JsonPropertyDescription("The DockerContainers to run: their labels and annotations, and a DockerContainer spec.")
        DeploymentTemplate template,

        @JsonPropertyDescription("Which DockerHosts replicas go to when template.spec.dockerHostRef does not pin one.")
        DeploymentPlacement placement,

        @JsonPropertyDescription("How replicas of an old template are replaced: RollingUpdate (default) or Recreate.")
        DeploymentStrategy strategy,

        @Min(0)
        @JsonPropertyDescription("How long a new replica must be ready (running, healthy if it has a health check) "
                + "before it counts as available. Default: 0.")
        Integer minReadySeconds,

        @Min(1)
        @JsonPropertyDescription("How long a rollout may go without progress before Progressing turns False with "
                + "reason ProgressDeadlineExceeded. Default: 600.")
        Integer progressDeadlineSeconds,

        @JsonPropertyDescription("Failover, opt in: replicas on a DockerHost Disconnected longer than this (a duration "
                + "such as 90s or 5m) are started on another eligible host; when the host returns, its extra replicas "
                + "are removed. Unset: replicas never move (an offline host keeps running what it has).")
        String hostFailureTimeout) {

    /** spec.replicas with its default. */
    public int desiredReplicas() {
        return replicas == null ? 1 : replicas;
    }
}
