package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.plan.ManagedContainers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretVolumeNamesTest {

    private static final String WORKLOAD = "6f1c2f0e-8a7b-4c1d-9e2f-0a1b2c3d4e5f";

    @Test
    void aVolumeIsNamedByWorkloadAndEntryAndTheNameGivesTheEntryBack() {
        String volume = SecretVolumeNames.volume(WORKLOAD, 12);

        assertThat(volume).isEqualTo("kdop-secrets-" + WORKLOAD + "-12").matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
        assertThat(SecretVolumeNames.index(WORKLOAD, volume)).isEqualTo(12);
        assertThat(SecretVolumeNames.index(WORKLOAD, volume + "x")).isEqualTo(-1);
        assertThat(SecretVolumeNames.index(WORKLOAD, "kdop-secrets-" + WORKLOAD + "-012")).isEqualTo(-1);
        assertThat(SecretVolumeNames.index("other", volume)).isEqualTo(-1);
    }

    @Test
    void theLabelsFindTheVolumeByHostAndWorkloadButAreNotThoseOfAWorkloadsContainer() {
        Map<String, String> labels = SecretVolumeNames.labels("host-1", WORKLOAD, 0);

        assertThat(SecretVolumeNames.workload(labels, "host-1")).contains(WORKLOAD);
        assertThat(SecretVolumeNames.workload(labels, "host-2")).isEmpty();
        assertThat(labels).containsAllEntriesOf(SecretVolumeNames.ofHost("host-1"));
        // the engine takes a container as a workload's only with its own managed-by value
        assertThat(labels.get(ManagedContainers.MANAGED_BY)).isNotEqualTo(ManagedContainers.MANAGED_BY_VALUE);
    }
}
