package io.kdop.hub.api.deployment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** How old replicas are replaced, as in a Kubernetes Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentStrategy(
        @Pattern("^(RollingUpdate|Recreate)$")
        @JsonPropertyDescription("RollingUpdate (default): replace a few at a time, gated on the new replicas' health. "
                + "Recreate: remove every old replica, then start the new ones.")
        String type,
        @JsonPropertyDescription("Limits of a RollingUpdate.")
        RollingUpdate rollingUpdate) {

    public static final String ROLLING_UPDATE = "RollingUpdate";
    public static final String RECREATE = "Recreate";

    /** The limits of a rolling update; each an integer or a percentage of spec.replicas. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RollingUpdate(
            @JsonPropertyDescription("How many replicas may be unavailable during the update (e.g. 1 or 25%, rounded "
                    + "down). Default: 25%.")
            io.fabric8.kubernetes.api.model.IntOrString maxUnavailable,
            @JsonPropertyDescription("How many replicas may exist above spec.replicas during the update (e.g. 1 or 25%, "
                    + "rounded up). Default: 25%.")
            io.fabric8.kubernetes.api.model.IntOrString maxSurge) {}
}
