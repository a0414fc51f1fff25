package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import org.junit.jupiter.api.Test;

class RolloutLimitsTest {

    @Test
    void resolvesIntegersAndPercentagesAsKubernetesDoes() {
        assertThat(RolloutLimits.of(null, 4)).as("25% each by default").isEqualTo(new RolloutLimits(false, 1, 1));
        assertThat(RolloutLimits.of(null, 10)).as("unavailable rounds down, surge up")
                .isEqualTo(new RolloutLimits(false, 2, 3));
        assertThat(RolloutLimits.of(rolling(new IntOrString("10%"), new IntOrString("0%")), 3))
                .as("percentages that both round to 0 would never move: one may be unavailable")
                .isEqualTo(new RolloutLimits(false, 1, 0));
        assertThat(RolloutLimits.of(rolling(new IntOrString(0), new IntOrString("200%")), 2))
                .as("a surge may exceed spec.replicas, as in Kubernetes").isEqualTo(new RolloutLimits(false, 0, 4));
        assertThat(RolloutLimits.of(rolling(new IntOrString(1), new IntOrString("50%")), 4))
                .isEqualTo(new RolloutLimits(false, 1, 2));
        assertThat(RolloutLimits.of(new DeploymentStrategy("Recreate", null), 3).minAvailable(3)).isEqualTo(3);
        assertThat(RolloutLimits.of(null, 4).minAvailable(4)).isEqualTo(3);
    }

    @Test
    void namesTheFieldOfAValueItCannotRead() {
        assertThatThrownBy(() -> RolloutLimits.of(rolling(new IntOrString("one"), null), 4))
                .hasMessageContaining("spec.strategy.rollingUpdate.maxUnavailable is 'one'");
        assertThatThrownBy(() -> RolloutLimits.of(rolling(null, new IntOrString(-1)), 4))
                .hasMessageContaining("spec.strategy.rollingUpdate.maxSurge is -1");
        assertThatThrownBy(() -> RolloutLimits.of(rolling(new IntOrString("150%"), null), 4))
                .hasMessageContaining("at most 100%");
    }

    @Test
    void refusesMaxUnavailableAndMaxSurgeBothWrittenAsZeroAsKubernetesDoes() {
        assertThatThrownBy(() -> RolloutLimits.of(rolling(new IntOrString(0), new IntOrString(0)), 4))
                .hasMessageContaining("maxUnavailable and maxSurge are both 0");
        assertThatThrownBy(() -> RolloutLimits.of(rolling(new IntOrString("0%"), new IntOrString(0)), 4))
                .hasMessageContaining("maxUnavailable and maxSurge are both 0");
    }

    private static DeploymentStrategy rolling(IntOrString unavailable, IntOrString surge) {
        return new DeploymentStrategy("RollingUpdate", new DeploymentStrategy.RollingUpdate(unavailable, surge));
    }
}
