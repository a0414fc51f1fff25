package io.kdop.engine.plan;

import static io.kdop.engine.plan.Specs.desired;
import static io.kdop.engine.plan.Specs.full;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.plan.WorkloadPlan.Action;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HealthCheck;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.SecretFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent refuses a spec it cannot run safely with a reason, and never throws on one: an
 * exception while building the desired containers stopped the pass for every workload of the
 * host (each found by DesiredStateFuzzTest; its seeds replay them).
 */
class SpecCheckTest {

    @Test
    void refusesANulInAHostPathInsteadOfThrowing() {
        WorkloadPlan plan = plan(full("web").addMounts(HostMount.newBuilder().setHostPath("/data\0x").setContainerPath("/d")));
        assertThat(plan.action()).isEqualTo(Action.INVALID);
        assertThat(plan.detail()).isEqualTo("mount /data\\0x -> /d has a NUL character in a path");
        assertThat(Specs.MOUNTS.check(plan.desired().spec().getMountsList()).problem()).isPresent();
    }

    @Test
    void refusesANulInAContainerOrSecretMountPath() {
        assertThat(plan(full("web").addMounts(HostMount.newBuilder().setHostPath("/d").setContainerPath("/d\0"))).detail())
                .isEqualTo("mount /d -> /d\\0 has a NUL character in a path");
        assertThat(plan(full("web").addSecretFiles(SecretFiles.newBuilder().setSecretName("s").setMountPath("/s\0")))
                .detail()).isEqualTo("the mount path '/s\\0' of Secret s is not an absolute path without colons");
    }

    @Test
    void refusesAUidWithANulInsteadOfThrowing() {
        ContainerSpec.Builder spec = full("web").addSecretFiles(SecretFiles.newBuilder().setSecretName("s").setMountPath("/s"));
        spec.setWorkload(spec.getWorkload().toBuilder().setUid("abc\0def"));
        WorkloadPlan plan = plan(spec);
        assertThat(plan.action()).isEqualTo(Action.INVALID);
        assertThat(plan.detail()).isEqualTo("the workload UID 'abc\\0def' is not a valid UID");
    }

    @Test
    void refusesHealthCheckDurationsDockerCannotHold() {
        WorkloadPlan tooLong = plan(full("web").setHealthCheck(HealthCheck.newBuilder().addAllTest(List.of("CMD", "true"))
                .setIntervalMillis(Long.MAX_VALUE)));
        assertThat(tooLong.action()).isEqualTo(Action.INVALID);
        assertThat(tooLong.detail()).isEqualTo("the health check's duration of 9223372036854775807 ms is not between 0 and "
                + "9223372036854 ms");
        assertThat(tooLong.desired().config().health().intervalNanos()).isEqualTo(Long.MAX_VALUE);

        assertThat(plan(full("web").setHealthCheck(HealthCheck.newBuilder().setTimeoutMillis(-1))).detail())
                .isEqualTo("the health check's duration of -1 ms is not between 0 and 9223372036854 ms");
        assertThat(plan(full("web").setHealthCheck(HealthCheck.newBuilder().setRetries(-3))).detail())
                .isEqualTo("the health check's retry count -3 is negative");
    }

    @Test
    void acceptsTheLongestDurationDockerHolds() {
        WorkloadPlan plan = plan(full("web").setHealthCheck(HealthCheck.newBuilder().addAllTest(List.of("CMD", "true"))
                .setIntervalMillis(DesiredContainer.MAX_MILLIS)));
        assertThat(plan.action()).isEqualTo(Action.CREATE);
        assertThat(plan.desired().config().health().intervalNanos()).isEqualTo(DesiredContainer.MAX_MILLIS * 1_000_000);
    }

    private static WorkloadPlan plan(ContainerSpec.Builder spec) {
        List<WorkloadPlan> plans = Planner.plan(List.of(desired(spec)), ObservedState.EMPTY);
        assertThat(plans).hasSize(1);
        return plans.getFirst();
    }
}
