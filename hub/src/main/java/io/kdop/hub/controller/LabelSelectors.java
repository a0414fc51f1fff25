package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics (matchLabels and matchExpressions, ANDed), without I/O. */
public final class LabelSelectors {

    private LabelSelectors() {}

    /** Whether the labels match; an empty selector matches everything, as in Kubernetes. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null
                && selector.getMatchLabels().entrySet().stream().anyMatch(e -> !e.getValue().equals(have.get(e.getKey())))) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
                : selector.getMatchExpressions();
        return expressions.stream().allMatch(r -> matches(r, have));
    }

    private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> labels.containsKey(r.getKey()) && values.contains(labels.get(r.getKey()));
            case "NotIn" -> !labels.containsKey(r.getKey()) || !values.contains(labels.get(r.getKey()));
            case "Exists" -> labels.containsKey(r.getKey());
            case "DoesNotExist" -> !labels.containsKey(r.getKey());
            default -> throw new IllegalArgumentException("unknown selector operator " + r.getOperator()
                    + ": use In, NotIn, Exists or DoesNotExist");
        };
    }
}
