package io.kdop.hub.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets status conditions the way Kubernetes expects: lastTransitionTime moves only when the
 * status value really changes, so a reconcile that changes nothing writes nothing.
 */
public final class Conditions {

    public static final String READY = "Ready";

    private Conditions() {}

    /** A new list with the condition set; the input list is not modified. */
    public static List<Condition> with(List<Condition> current, String type, boolean status, String reason,
            String message, Long observedGeneration, Instant now) {
        Optional<Condition> previous = find(current, type);
        String statusText = status ? "True" : "False";
        String transition = previous.filter(c -> statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(Timestamps.format(now));
        Condition next = new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transition)
                .build();
        List<Condition> result = new ArrayList<>();
        for (Condition c : current) {
            if (!Objects.equals(c.getType(), type)) {
                result.add(c);
            }
        }
        result.add(next);
        result.sort(Comparator.comparing(Condition::getType));
        return result;
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
