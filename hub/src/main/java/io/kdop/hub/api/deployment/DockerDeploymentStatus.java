package io.kdop.hub.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** What the hub observes about a DockerDeployment, written only by the hub. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerDeploymentStatus(
        @StatusReplicas
        @JsonPropertyDescription("DockerContainers this deployment owns that are not being deleted, of any revision.")
        Integer replicas,
        @JsonPropertyDescription("Of them, those of the current template.") Integer updatedReplicas,
        @JsonPropertyDescription("Of them, those that are ready: running, and healthy if they have a health check.")
        Integer readyReplicas,
        @JsonPropertyDescription("Of them, those ready for at least minReadySeconds.") Integer availableReplicas,
        @JsonPropertyDescription("Ready replicas out of spec.replicas, e.g. 3/4 (the READY column).") String ready,
        @LabelSelector
        @JsonPropertyDescription("spec.selector as a string, for the scale subresource (kubectl scale, autoscalers).")
        String selector,
        @JsonPropertyDescription("The current template's revision: the kdop.io.vn/revision label of its replicas.")
        String revision,
        @JsonPropertyDescription("How many replicas each DockerHost runs, by host name.")
        java.util.Map<String, Integer> hosts,
        @JsonPropertyDescription("When the rollout last made progress; measured against progressDeadlineSeconds.")
        String lastProgressTime,
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Available (MinimumReplicasAvailable or MinimumReplicasUnavailable) and Progressing "
                + "(ReplicaSetUpdated, NewReplicaSetAvailable or ProgressDeadlineExceeded), as for a Kubernetes "
                + "Deployment; FieldsIgnored (reason IgnoredFields) while the spec sets fields that have no effect, "
                + "e.g. placement.hostSelector with a pinned template.spec.dockerHostRef.")
        List<Condition> conditions) {}
