package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.GoDurations;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.container.ContainerTranslator;
import io.kdop.hub.container.SpecProblem;
import io.kdop.hub.container.Translation;
import io.kdop.hub.controller.LabelSelectors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** What is wrong with a DockerDeployment's spec beyond what its schema can say, as one clear message. */
public final class DeploymentSpecCheck {

    /** The deployment's name is the value of each replica's kdop.io.vn/deployment label: at most 63 characters. */
    static final int MAX_NAME = 63;
    // Kubernetes' label name and value syntax; the API server checks the replicas' labels, not the template's
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** A missing Secret may be created later; the replica's own status says so meanwhile. */
    private static final String SECRET_NOT_FOUND = "SecretNotFound";

    private DeploymentSpecCheck() {}

    /**
     * The first problem found, as the Progressing condition's message; empty when the spec is good.
     * Each would otherwise surface only later, as replicas the API server refuses to create (a
     * long name, a label Kubernetes cannot store) or replicas created only to be refused by the
     * DockerContainer controller.
     */
    public static Optional<String> problem(String name, DockerDeploymentSpec spec) {
        try {
            return Optional.ofNullable(check(name, spec));
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static String check(String name, DockerDeploymentSpec spec) {
        if (name != null && name.length() > MAX_NAME) {
            return "metadata.name is " + name.length() + " characters: a DockerDeployment's name may have at most "
                    + MAX_NAME + ", as it is the value of its replicas' " + ReplicaTemplate.DEPLOYMENT_LABEL + " label";
        }
        if (spec == null || spec.template() == null || spec.template().spec() == null) {
            return "spec.template.spec is missing: say which DockerContainer to run";
        }
        if (spec.template().spec().image() == null || spec.template().spec().image().isBlank()) {
            return "spec.template.spec.image is empty";
        }
        String refused = refusedTemplate(spec);
        if (refused != null) {
            return refused;
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
        for (String reserved : new String[] {ReplicaTemplate.DEPLOYMENT_LABEL, ReplicaTemplate.REVISION_LABEL}) {
            if (labels.containsKey(reserved)) {
                // the hub's value would replace the user's, and a selector on it would select no replica
                return "spec.template.metadata.labels has " + reserved + ": the hub sets that label on each replica";
            }
        }
        String badLabel = badLabel(labels);
        if (badLabel != null) {
            return "spec.template.metadata.labels: " + badLabel;
        }
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

    /** What the DockerContainer controller would refuse in every replica, but for Secrets that do not exist yet. */
    private static String refusedTemplate(DockerDeploymentSpec spec) {
        DockerContainer sample = new DockerContainer();
        // the workload reference is built of these; the translator needs them present, not true
        sample.getMetadata().setName("replica");
        sample.getMetadata().setNamespace("namespace");
        sample.getMetadata().setUid("uid");
        sample.setSpec(ReplicaTemplate.specOn(spec.template(), "host"));
        if (ContainerTranslator.translate(sample, Map.of()) instanceof Translation.Invalid invalid) {
            List<String> messages = invalid.problems().stream().filter(p -> !SECRET_NOT_FOUND.equals(p.reason()))
                    .map(SpecProblem::message).toList();
            if (!messages.isEmpty()) {
                return "spec.template is not a valid DockerContainer: " + String.join("; ", messages);
            }
        }
        return null;
    }

    private static String badLabel(Map<String, String> labels) {
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            int slash = key.lastIndexOf('/');
            String prefix = slash < 0 ? null : key.substring(0, slash);
            String base = key.substring(slash + 1);
            if (base.isEmpty() || base.length() > 63 || !LABEL_NAME.matcher(base).matches()
                    || prefix != null && (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
                return "'" + key + "' is not a label key (an optional DNS prefix and '/', then at most 63 letters, "
                        + "digits, '-', '_' or '.', beginning and ending with a letter or digit)";
            }
            String value = label.getValue() == null ? "" : label.getValue();
            if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
                return "the value of " + key + " ('" + value + "') is not a label value (at most 63 letters, digits, "
                        + "'-', '_' or '.', beginning and ending with a letter or digit)";
            }
        }
        return null;
    }
}
