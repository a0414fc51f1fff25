package io.kdop.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

    @Test
    void oneNamePerObjectAndReasonWithinKubernetesLimits() {
        HasMetadata web = object("web", "uid-1");
        KubeEvent restarted = KubeEvent.warning("Restarted", "restarted (1 time(s) so far)");

        assertThat(EventRecorder.name(web, restarted)).as("a repeat is the same event, counted")
                .isEqualTo(EventRecorder.name(web, KubeEvent.warning("Restarted", "restarted (2 time(s) so far)")))
                .startsWith("web.")
                .isNotEqualTo(EventRecorder.name(web, KubeEvent.normal("Running", "runs")))
                .isNotEqualTo(EventRecorder.name(object("web", "uid-2"), restarted));
        assertThat(EventRecorder.name(object("x".repeat(253), "uid-3"), restarted)).hasSizeLessThanOrEqualTo(253);
    }

    private static HasMetadata object(String name, String uid) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("edge").withUid(uid).endMetadata()
                .build();
    }
}
