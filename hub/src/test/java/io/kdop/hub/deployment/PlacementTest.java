package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private static final List<HostOption> TWO = List.of(HostOption.connected("b"), HostOption.connected("a"));

    @Test
    void spreadsOverEligibleHostsBeforeDoublingUp() {
        assertThat(Placement.choose(4, TWO, Map.of(), Optional.empty())).containsExactly("a", "b", "a", "b");
        assertThat(Placement.choose(1, TWO, Map.of("a", 3, "b", 1), Optional.empty())).containsExactly("b");
        assertThat(Placement.choose(3, List.of(HostOption.connected("a"), HostOption.connected("b"),
                HostOption.connected("c")), Map.of("a", 1), Optional.empty()))
                .as("every host has one before any has two").containsExactlyInAnyOrder("b", "c", "a");
    }

    @Test
    void neverChoosesAHostThatIsNotConnectedAndReady() {
        List<HostOption> hosts = List.of(HostOption.connected("a"), HostOption.disconnected("b", Instant.EPOCH),
                new HostOption("c", false, Optional.empty()));
        assertThat(Placement.choose(3, hosts, Map.of(), Optional.empty())).containsExactly("a", "a", "a");
        assertThat(Placement.choose(2, List.of(HostOption.disconnected("b", Instant.EPOCH)), Map.of(), Optional.empty()))
                .as("nowhere to go").isEmpty();
    }

    @Test
    void maxPerHostCapsEachHostAndLeavesTheRestUnplaced() {
        assertThat(Placement.choose(5, TWO, Map.of(), Optional.of(2))).containsExactly("a", "b", "a", "b");
        assertThat(Placement.choose(2, TWO, Map.of("a", 2), Optional.of(2))).containsExactly("b", "b");
    }
}
