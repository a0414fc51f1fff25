package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import org.junit.jupiter.api.Test;

class DirectHostLimitsTest {

    private static final ContainerSpec WITH_MOUNT = ContainerSpec.newBuilder().setImage("nginx:1")
            .addMounts(HostMount.newBuilder().setHostPath("/srv/team-b/data").setContainerPath("/data")).build();

    @Test
    void hostMountsFromAnotherNamespaceAreRefusedBecauseLinksCannotBeResolvedThere() {
        SpecProblem problem = DirectHostLimits.refusal("ops/remote", "ops", "team-b", WITH_MOUNT).orElseThrow();

        assertThat(problem.reason()).isEqualTo("HostPathRefused");
        assertThat(problem.message()).contains("DockerHost ops/remote is a direct host",
                "cannot resolve symbolic links", "only for workloads of its own namespace ops, not of team-b");
    }

    @Test
    void theHostsOwnNamespaceMountsAndOthersWithoutMountsAreTaken() {
        assertThat(DirectHostLimits.refusal("ops/remote", "ops", "ops", WITH_MOUNT)).isEmpty();
        assertThat(DirectHostLimits.refusal("ops/remote", "ops", "team-b",
                ContainerSpec.newBuilder().setImage("nginx:1").build())).isEmpty();
    }
}
