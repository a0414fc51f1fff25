package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.kdop.hub.api.GoDurations;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.controller.LabelSelectors;
import java.util.Map;
import java.util.Optional;

/** What is wrong with a DockerDeployment's spec beyond what its schema can say, as one clear message. */
public final class DeploymentSpecCheck {

    private DeploymentSpecCheck() {}

    /** The first problem found, as the Progressing condition's message; empty when the spec is good. */
    public static Optional<String> problem(DockerDeploymentSpec spec) {
        try {
            return Optional.ofNullable(check(spec));
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static String check(DockerDeploymentSpec spec) {
        if (spec == null || spec.template() == null || spec.template().spec() == null) {
            return "spec.template.spec is missing: say which DockerContainer to run";
        }
        if (spec.template().spec().image() == null || spec.template().spec().image().isBlank()) {
            return "spec.template.spec.image is empty";
        }
        if (spec.replicas() != null && spec.replicas() < 0) {
            return "spec.replicas is " + spec.replicas() + ": it must be 0 or more";
        }
        LabelSelector selector = spec.selector();
        if (selector == null || (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())) {
            return "spec.selector is empty: give it matchLabels that spec.template.metadata.labels has";
        }
        String selectorText;
        try {
            selectorText = SelectorText.of(selector);
            if (spec.placement() != null && spec.placement().hostSelector() != null) {
                SelectorText.of(spec.placement().hostSelector());
            }
        } catch (IllegalArgumentException e) {
            return "spec.selector or spec.placement.hostSelector: " + e.getMessage();
        }
        Map<String, String> labels = spec.template().metadata() == null || spec.template().metadata().labels() == null
                ? Map.of() : spec.template().metadata().labels();
        if (!LabelSelectors.matches(selector, labels)) {
            return "spec.selector (" + selectorText + ") does not match spec.template.metadata.labels "
                    + labels + ": the deployment would not find its own replicas";
        }
        DeploymentStrategy strategy = spec.strategy();
        if (strategy != null && strategy.type() != null && !DeploymentStrategy.ROLLING_UPDATE.equals(strategy.type())
                && !DeploymentStrategy.RECREATE.equals(strategy.type())) {
            return "spec.strategy.type is '" + strategy.type() + "': use RollingUpdate or Recreate";
        }
        RolloutLimits.of(strategy, spec.desiredReplicas());
        if (spec.hostFailureTimeout() != null) {
            java.time.Duration timeout;
            try {
                timeout = GoDurations.parse(spec.hostFailureTimeout());
            } catch (IllegalArgumentException e) {
                return "spec.hostFailureTimeout: " + e.getMessage();
            }
            if (timeout.isNegative() || timeout.isZero()) {
                return "spec.hostFailureTimeout is " + spec.hostFailureTimeout() + ": it must be more than 0";
            }
        }
        if (spec.placement() != null && spec.placement().maxPerHost() != null && spec.placement().maxPerHost() < 1) {
            return "spec.placement.maxPerHost is " + spec.placement().maxPerHost() + ": it must be 1 or more";
        }
        return null;
    }
}
