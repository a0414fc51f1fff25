package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.ManagedContainer;
import io.kdop.proto.v1.WorkloadRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagedContainersTest {

    @Test
    void mapsLabelsToTheInventoryEntry() {
        ManagedContainer c = ManagedContainers.of("abc123", List.of("/web"), Map.of(
                ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE,
                ManagedContainers.WORKLOAD_KIND, "DockerContainer",
                ManagedContainers.WORKLOAD_NAMESPACE, "shop",
                ManagedContainers.WORKLOAD_NAME, "web",
                ManagedContainers.WORKLOAD_UID, "u-1",
                ManagedContainers.SPEC_HASH, "h1"), "running");
        assertThat(c).isEqualTo(ManagedContainer.newBuilder()
                .setContainerId("abc123").setName("web").setSpecHash("h1").setState("running")
                .setWorkload(WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace("shop").setName("web").setUid("u-1"))
                .build());
    }

    @Test
    void toleratesMissingLabelsAndNames() {
        ManagedContainer c = ManagedContainers.of("abc", null, null, null);
        assertThat(c.getName()).isEmpty();
        assertThat(c.getWorkload().getKind()).isEmpty();
        assertThat(c.getState()).isEmpty();
    }
}
