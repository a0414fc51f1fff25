package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DockerJobReconcilerTest {

    @Test
    void aJobItsAgentHasIsNotMovedBeforeItsFirstReport() {
        Optional<String> onA = Optional.of("edge/a");
        assertThat(DockerJobReconciler.movedAfterDelivery(onA, "edge/b", Optional.of(7L), 7))
                .as("A acknowledged revision 7, which holds the job").isTrue();
        assertThat(DockerJobReconciler.movedAfterDelivery(onA, "edge/b", Optional.of(7L), 6))
                .as("A never got it: the move is free").isFalse();
        assertThat(DockerJobReconciler.movedAfterDelivery(onA, "edge/a", Optional.of(7L), 9))
                .as("not moved").isFalse();
        assertThat(DockerJobReconciler.movedAfterDelivery(Optional.empty(), "edge/b", Optional.empty(), 9))
                .as("never placed").isFalse();
    }
}
