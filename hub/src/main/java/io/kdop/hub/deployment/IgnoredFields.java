package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The warning condition of a deployment that sets fields its placement does not use, without I/O:
 * present (True, reason {@value #REASON}) while there are such fields, absent otherwise, as a
 * plain-TCP DockerHost's InsecureTransport is. A pinned host (template.spec.dockerHostRef) makes
 * placement.hostSelector meaningless; failover needs a host selector (a pinned host, or the
 * default one, has nowhere else to go), so hostFailureTimeout without one does nothing.
 * placement.maxPerHost is not among them: it caps the pinned host too.
 */
final class IgnoredFields {

    /** The condition type. */
    static final String TYPE = "FieldsIgnored";
    static final String REASON = "IgnoredFields";

    private IgnoredFields() {}

    /** The fields of the spec that have no effect, by path; empty when every field set is used. */
    static List<String> of(DockerDeploymentSpec spec) {
        List<String> ignored = new ArrayList<>();
        if (spec == null || spec.template() == null || spec.template().spec() == null) {
            return ignored;
        }
        String pinned = spec.template().spec().dockerHostRef();
        boolean pins = pinned != null && !pinned.isBlank();
        boolean selects = spec.placement() != null && spec.placement().hostSelector() != null;
        if (pins && selects) {
            ignored.add("spec.placement.hostSelector");
        }
        if (spec.hostFailureTimeout() != null && (pins || !selects)) {
            ignored.add("spec.hostFailureTimeout");
        }
        return ignored;
    }

    /** The status with the condition set, replaced or removed as the spec says. */
    static DockerDeploymentStatus apply(DockerDeploymentStatus status, DockerDeploymentSpec spec, long generation,
            Instant now) {
        List<String> ignored = of(spec);
        List<Condition> conditions = status.conditions() == null ? List.of() : status.conditions();
        if (ignored.isEmpty() && Conditions.find(conditions, TYPE).isEmpty()) {
            return status;
        }
        String pinned = spec == null || spec.template() == null || spec.template().spec() == null ? null
                : spec.template().spec().dockerHostRef();
        String why = pinned != null && !pinned.isBlank()
                ? "template.spec.dockerHostRef pins every replica to DockerHost " + pinned
                : "without spec.placement.hostSelector every replica goes to DockerHost default";
        conditions = ignored.isEmpty()
                ? conditions.stream().filter(c -> !TYPE.equals(c.getType())).toList()
                : Conditions.with(conditions, TYPE, true, REASON, String.join(" and ", ignored) + " "
                        + (ignored.size() == 1 ? "has" : "have") + " no effect: " + why
                        + (ignored.contains("spec.hostFailureTimeout") ? ", so there is no other host to fail over to"
                                : ""), generation, now);
        return new DockerDeploymentStatus(status.replicas(), status.updatedReplicas(), status.readyReplicas(),
                status.availableReplicas(), status.ready(), status.selector(), status.revision(), status.hosts(),
                status.lastProgressTime(), status.observedGeneration(), conditions);
    }
}
