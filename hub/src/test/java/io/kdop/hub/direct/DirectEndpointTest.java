package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.direct.DirectEndpoint.Parsed;
import io.kdop.hub.direct.DirectEndpoint.Transport;
import org.junit.jupiter.api.Test;

class DirectEndpointTest {

    @Test
    void theSeedsHostWithItsTlsSecretIsMutualTlsCheckingTheHostInTheUrl() {
        assertThat(valid("tcp://1.2.3.4:2376", "docker-tls-secret", null))
                .isEqualTo(new DirectEndpoint(Transport.TLS, "tcp://1.2.3.4:2376", "1.2.3.4", "docker-tls-secret"));
        assertThat(valid("tcp://docker.example.org", "tls", false))
                .as("Docker's TLS port by default").extracting(DirectEndpoint::dockerHost)
                .isEqualTo("tcp://docker.example.org:2376");
        assertThat(valid("https://[fd00::7]:2376", "tls", null)).extracting(DirectEndpoint::serverName)
                .isEqualTo("fd00::7");
    }

    @Test
    void plainTcpNeedsTheExplicitOptIn() {
        Parsed refused = DirectEndpoint.parse("tcp://10.0.0.5:2375", null, null);
        assertThat(refused).isInstanceOfSatisfying(Parsed.Invalid.class, i -> {
            assertThat(i.reason()).isEqualTo("TLSRequired");
            assertThat(i.message()).contains("spec.tlsSecretName", "spec.allowInsecure: true");
        });
        assertThat(DirectEndpoint.parse("tcp://10.0.0.5:2375", " ", false)).isInstanceOf(Parsed.Invalid.class);
        assertThat(valid("tcp://10.0.0.5", null, true))
                .isEqualTo(new DirectEndpoint(Transport.PLAIN_TCP, "tcp://10.0.0.5:2375", null, null));
    }

    @Test
    void aUnixSocketTheHubCanReach() {
        assertThat(valid("unix:///var/run/docker.sock", null, null))
                .isEqualTo(new DirectEndpoint(Transport.UNIX, "unix:///var/run/docker.sock", null, null));
    }

    @Test
    void whatIsNoDockerEndpointSaysWhatToWrite() {
        for (String url : new String[] {"ssh://user@host", "tcp://:2376", "unix://", "tcp://a b", ""}) {
            assertThat(DirectEndpoint.parse(url, "tls", null)).as(url).isInstanceOfSatisfying(Parsed.Invalid.class,
                    i -> assertThat(i.message()).contains("spec.hostURL"));
        }
        assertThat(DirectEndpoint.parse("https://h:2376", null, true)).as("https without a Secret")
                .isInstanceOf(Parsed.Invalid.class);
    }

    private static DirectEndpoint valid(String url, String secret, Boolean insecure) {
        Parsed parsed = DirectEndpoint.parse(url, secret, insecure);
        assertThat(parsed).as(url).isInstanceOf(Parsed.Valid.class);
        return ((Parsed.Valid) parsed).endpoint();
    }
}
