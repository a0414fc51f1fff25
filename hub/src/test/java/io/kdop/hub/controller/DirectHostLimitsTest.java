package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.SecretFiles;
import org.junit.jupiter.api.Test;

class DirectHostLimitsTest {

    @Test
    void aContainerWithASecretVolumeIsRefusedWithWhatToDoInstead() {
        ContainerSpec spec = ContainerSpec.newBuilder().setImage("nginx:1")
                .addSecretFiles(SecretFiles.newBuilder().setSecretName("db")).build();

        SpecProblem problem = DirectHostLimits.refusal("team-a/remote", spec).orElseThrow();

        assertThat(problem.reason()).isEqualTo("DirectSecretVolumesUnsupported");
        assertThat(problem.message()).contains("DockerHost team-a/remote is a direct host",
                "secret volumes are not supported there yet", "valueFrom.secretKeyRef");
    }

    @Test
    void aContainerWithoutSecretVolumesIsTaken() {
        assertThat(DirectHostLimits.refusal("team-a/remote", ContainerSpec.newBuilder().setImage("nginx:1").build()))
                .isEmpty();
    }
}
