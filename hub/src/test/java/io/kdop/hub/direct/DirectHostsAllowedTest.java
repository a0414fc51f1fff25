package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.hub.direct.DirectEndpoint.Transport;
import org.junit.jupiter.api.Test;

class DirectHostsAllowedTest {

    @Test
    void byDefaultOnlyMutualTlsHostsAreDriven() {
        assertThat(DirectHostsAllowed.TLS.refusal(Transport.TLS)).isEmpty();
        ProbeResult.Failed plain = DirectHostsAllowed.TLS.refusal(Transport.PLAIN_TCP).orElseThrow();
        assertThat(plain.reason()).isEqualTo("DirectHostNotAllowed");
        assertThat(plain.message()).contains("does not drive direct hosts over plain TCP", "--direct-hosts=tls",
                "--direct-hosts=all (Helm: hub.directHosts=all)");
        assertThat(DirectHostsAllowed.TLS.refusal(Transport.UNIX).orElseThrow().message())
                .contains("on a Unix socket");
    }

    @Test
    void allTakesEveryTransportAndNoneNoHostAtAll() {
        for (Transport t : Transport.values()) {
            assertThat(DirectHostsAllowed.ALL.refusal(t)).isEmpty();
            assertThat(DirectHostsAllowed.NONE.refusal(t)).isPresent();
        }
        assertThat(DirectHostsAllowed.NONE.refusal(Transport.TLS).orElseThrow().message())
                .contains("--direct-hosts=tls");
    }

    @Test
    void theOptionsValueIsNamedInItsError() {
        assertThat(DirectHostsAllowed.parse(" All ")).isEqualTo(DirectHostsAllowed.ALL);
        assertThatThrownBy(() -> DirectHostsAllowed.parse("yes")).hasMessage(
                "--direct-hosts must be none, tls or all, not yes");
    }
}
