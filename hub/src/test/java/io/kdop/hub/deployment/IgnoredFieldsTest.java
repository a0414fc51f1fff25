package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.deployment.DeploymentPlacement;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import io.kdop.hub.api.deployment.TemplateMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which placement fields a deployment's spec sets to no effect, and the warning condition saying so. */
class IgnoredFieldsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final LabelSelector POOL = new LabelSelectorBuilder().withMatchLabels(Map.of("pool", "edge")).build();

    @Test
    void aPinnedHostIgnoresTheHostSelectorAndTheFailoverTimeoutButNotMaxPerHost() {
        Condition c = condition(IgnoredFields.apply(status(List.of()), spec("edge-9", new DeploymentPlacement(POOL, 2),
                "2m"), 3, NOW));
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getReason()).isEqualTo("IgnoredFields");
        assertThat(c.getObservedGeneration()).isEqualTo(3L);
        assertThat(c.getMessage()).isEqualTo("spec.placement.hostSelector and spec.hostFailureTimeout have no effect: "
                + "template.spec.dockerHostRef pins every replica to DockerHost edge-9, so there is no other host to "
                + "fail over to");
        assertThat(IgnoredFields.of(spec("edge-9", new DeploymentPlacement(null, 2), null)))
                .as("maxPerHost caps the pinned host: it has an effect").isEmpty();
        assertThat(IgnoredFields.of(spec("edge-9", new DeploymentPlacement(POOL, null), null)))
                .containsExactly("spec.placement.hostSelector");
    }

    @Test
    void aFailoverTimeoutWithoutAHostSelectorIsIgnoredPinnedOrNot() {
        assertThat(IgnoredFields.of(spec(null, null, "2m"))).containsExactly("spec.hostFailureTimeout");
        assertThat(condition(IgnoredFields.apply(status(List.of()), spec(null, null, "2m"), 1, NOW)).getMessage())
                .isEqualTo("spec.hostFailureTimeout has no effect: without spec.placement.hostSelector every replica "
                        + "goes to DockerHost default, so there is no other host to fail over to");
        assertThat(IgnoredFields.of(spec(null, new DeploymentPlacement(POOL, null), "2m"))).isEmpty();
    }

    @Test
    void theConditionGoesWhenEveryFieldIsUsedAndAStatusWithoutItIsLeftAsItIs() {
        DockerDeploymentSpec used = spec(null, new DeploymentPlacement(POOL, 1), "2m");
        DockerDeploymentStatus warned = IgnoredFields.apply(status(List.of()), spec("edge-9", null, "2m"), 1, NOW);
        assertThat(Conditions.find(IgnoredFields.apply(warned, used, 2, NOW).conditions(), IgnoredFields.TYPE)).isEmpty();
        DockerDeploymentStatus plain = status(null);
        assertThat(IgnoredFields.apply(plain, used, 1, NOW)).isSameAs(plain);
    }

    private static DockerDeploymentSpec spec(String pinned, DeploymentPlacement placement, String failover) {
        return new DockerDeploymentSpec(1, POOL, new DeploymentTemplate(new TemplateMetadata(Map.of("pool", "edge"), null),
                new DockerContainerSpec("kdop-test/busybox:1", null, null, null, null, null, null, pinned, null, null,
                        null, null, null, null, null, null, null)), placement, null, null, null, failover);
    }

    private static DockerDeploymentStatus status(List<Condition> conditions) {
        return new DockerDeploymentStatus(1, 1, 1, 1, "1/1", "pool=edge", "abc", null, null, 1L, conditions);
    }

    private static Condition condition(DockerDeploymentStatus status) {
        return Conditions.find(status.conditions(), IgnoredFields.TYPE).orElseThrow();
    }
}
