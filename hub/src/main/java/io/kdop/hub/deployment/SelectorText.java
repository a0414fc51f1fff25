package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A label selector in the string form of kubectl's -l and the scale subresource (app=web,tier in (a,b)). */
public final class SelectorText {

    private SelectorText() {}

    public static String of(LabelSelector selector) {
        List<String> parts = new ArrayList<>();
        Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : new TreeMap<>(selector.getMatchLabels());
        labels.forEach((k, v) -> parts.add(k + "=" + v));
        for (LabelSelectorRequirement r : selector.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
                : selector.getMatchExpressions()) {
            List<String> values = r.getValues() == null ? List.of() : r.getValues().stream().sorted().toList();
            parts.add(switch (r.getOperator()) {
                case "In" -> r.getKey() + " in (" + String.join(",", values) + ")";
                case "NotIn" -> r.getKey() + " notin (" + String.join(",", values) + ")";
                case "Exists" -> r.getKey();
                case "DoesNotExist" -> "!" + r.getKey();
                default -> throw new IllegalArgumentException("unknown selector operator " + r.getOperator()
                        + ": use In, NotIn, Exists or DoesNotExist");
            });
        }
        return String.join(",", parts);
    }
}
