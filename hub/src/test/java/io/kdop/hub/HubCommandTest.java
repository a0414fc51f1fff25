package io.kdop.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubCommandTest {

    @Test
    void thePublicAddressesHostGoesIntoTheCertificate() {
        assertThat(HubCommand.hostOf("hub.example.com:30000")).isEqualTo("hub.example.com");
        assertThat(HubCommand.hostOf("10.0.0.5:443")).isEqualTo("10.0.0.5");
        assertThat(HubCommand.hostOf("[fd00::5]:30000")).isEqualTo("fd00::5");
        assertThat(HubCommand.hostOf("hub.example.com")).isEqualTo("hub.example.com");
        assertThat(HubCommand.hostOf("fd00::5")).isEqualTo("fd00::5");
    }
}
