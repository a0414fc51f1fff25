package io.kdop.hub.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TunnelPortsTest {

    @Test
    void aPortJustFreedIsTheLastOneHandedOutAgain() {
        TunnelPorts ports = new TunnelPorts(31000, 31002);
        int first = ports.allocate();
        ports.release(first);

        assertThat(ports.allocate()).isEqualTo(31001);
        assertThat(ports.allocate()).isEqualTo(31002);
        assertThat(ports.allocate()).isEqualTo(first);
    }

    @Test
    void portsNamedByExistingServicesAreReservedOnceAndOnlyInRange() {
        TunnelPorts ports = new TunnelPorts(31000, 31001);
        assertThat(ports.reserve(31001)).isTrue();
        assertThat(ports.reserve(31001)).isFalse();
        assertThat(ports.reserve(8080)).isFalse();
        assertThat(ports.allocate()).isEqualTo(31000);
        assertThatThrownBy(ports::allocate).hasMessageContaining("all 2 tunnel ports (31000-31001) are in use");
    }
}
