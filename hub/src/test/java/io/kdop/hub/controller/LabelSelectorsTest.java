package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

    private static final Map<String, String> WEB_EU = Map.of("app", "web", "region", "eu");

    @Test
    void matchLabelsMustAllBePresentWithTheirValues() {
        assertThat(LabelSelectors.matches(selector(Map.of("app", "web")), WEB_EU)).isTrue();
        assertThat(LabelSelectors.matches(selector(Map.of("app", "web", "region", "us")), WEB_EU)).isFalse();
        assertThat(LabelSelectors.matches(selector(Map.of("app", "web")), null)).isFalse();
    }

    @Test
    void anEmptySelectorMatchesEverything() {
        assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
    }

    @Test
    void expressionsFollowKubernetes() {
        assertThat(LabelSelectors.matches(expression("region", "In", "eu", "us"), WEB_EU)).isTrue();
        assertThat(LabelSelectors.matches(expression("region", "NotIn", "eu"), WEB_EU)).isFalse();
        assertThat(LabelSelectors.matches(expression("tier", "NotIn", "db"), WEB_EU)).isTrue();
        assertThat(LabelSelectors.matches(expression("app", "Exists"), WEB_EU)).isTrue();
        assertThat(LabelSelectors.matches(expression("app", "DoesNotExist"), WEB_EU)).isFalse();
        assertThatThrownBy(() -> LabelSelectors.matches(expression("app", "Like", "w*"), WEB_EU))
                .hasMessageContaining("unknown selector operator Like");
    }

    private static LabelSelector selector(Map<String, String> labels) {
        return new LabelSelectorBuilder().withMatchLabels(labels).build();
    }

    private static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator).withValues(values)
                .endMatchExpression().build();
    }
}
