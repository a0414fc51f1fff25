package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DirectHostRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final DirectEndpoint TLS = new DirectEndpoint(DirectEndpoint.Transport.TLS, "tcp://10.1.2.3:2376",
            "10.1.2.3", "docker-tls");
    private static final DirectEndpoint PLAIN = new DirectEndpoint(DirectEndpoint.Transport.PLAIN_TCP,
            "tcp://10.1.2.3:2375", null, null);
    private static final DockerFacts FACTS = new DockerFacts("28.5.1", "1.51", "linux", "amd64",
            "Debian GNU/Linux 13 (trixie)", "6.1.0", 4, 8_000_000_000L, 3, 5);

    @Test
    void anAnsweringApiIsConnectedWithDockersFacts() {
        DirectHostRules.Outcome out = DirectHostRules.apply(new DockerHostStatus(), 2,
                new DirectHostRules.Probed(Optional.of(TLS), new ProbeResult.Answered(FACTS)), NOW);

        DockerHostStatus s = out.status();
        assertThat(s.getPhase()).isEqualTo("Connected");
        assertThat(s.getDockerVersion()).isEqualTo("28.5.1");
        assertThat(s.getPlatform()).isEqualTo("linux/amd64");
        assertThat(s.getCpus()).isEqualTo(4);
        assertThat(s.getMemoryBytes()).isEqualTo(8_000_000_000L);
        assertThat(s.getContainersRunning()).isEqualTo(3);
        assertThat(s.getLastHeartbeatTime()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(s.getObservedGeneration()).isEqualTo(2);
        Condition ready = ready(s);
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("DirectConnected");
        assertThat(ready.getMessage()).contains("Docker 28.5.1 on linux/amd64 answers at tcp://10.1.2.3:2376",
                "mutual TLS, server name 10.1.2.3 checked", "runs this host's DockerContainers");
        assertThat(Conditions.find(s.getConditions(), DirectHostRules.INSECURE)).isEmpty();
        assertThat(out.recheckIn()).isEqualTo(DirectHostRules.CONNECTED_RECHECK);
    }

    @Test
    void aHostThatStopsAnsweringIsDisconnectedKeepingWhatDockerSaidLast() {
        DockerHostStatus connected = DirectHostRules.apply(new DockerHostStatus(), 1,
                new DirectHostRules.Probed(Optional.of(TLS), new ProbeResult.Answered(FACTS)), NOW).status();

        DirectHostRules.Outcome out = DirectHostRules.apply(connected, 1, new DirectHostRules.Probed(Optional.of(TLS),
                new ProbeResult.Failed("Unreachable", "nothing answers")), NOW.plusSeconds(30));

        assertThat(out.status().getPhase()).isEqualTo("Disconnected");
        assertThat(out.status().getDockerVersion()).isEqualTo("28.5.1");
        assertThat(ready(out.status()).getReason()).isEqualTo("Unreachable");
        assertThat(out.recheckIn()).isEqualTo(DirectHostRules.FAILING_RECHECK);
    }

    @Test
    void aHostThatNeverAnsweredStaysPendingWithTheReason() {
        DirectHostRules.Outcome out = DirectHostRules.apply(new DockerHostStatus(), 1, new DirectHostRules.Probed(
                Optional.empty(), new ProbeResult.Failed("TLSRequired", "set spec.tlsSecretName")), NOW);
        assertThat(out.status().getPhase()).isEqualTo("Pending");
        assertThat(ready(out.status()).getStatus()).isEqualTo("False");
        assertThat(ready(out.status()).getReason()).isEqualTo("TLSRequired");
    }

    @Test
    void plainTcpCarriesTheWarningConditionAndLosesItWithTls() {
        DockerHostStatus plain = DirectHostRules.apply(new DockerHostStatus(), 1,
                new DirectHostRules.Probed(Optional.of(PLAIN), new ProbeResult.Answered(FACTS)), NOW).status();
        Condition insecure = Conditions.find(plain.getConditions(), DirectHostRules.INSECURE).orElseThrow();
        assertThat(insecure.getStatus()).isEqualTo("True");
        assertThat(insecure.getReason()).isEqualTo("PlainTCP");
        assertThat(insecure.getMessage()).contains("not", "encrypted", "spec.tlsSecretName");

        DockerHostStatus secured = DirectHostRules.apply(plain, 2,
                new DirectHostRules.Probed(Optional.of(TLS), new ProbeResult.Answered(FACTS)), NOW).status();
        assertThat(Conditions.find(secured.getConditions(), DirectHostRules.INSECURE)).isEmpty();
    }

    @Test
    void theHeartbeatIsNotRewrittenOnEveryProbe() {
        DockerHostStatus first = DirectHostRules.apply(new DockerHostStatus(), 1,
                new DirectHostRules.Probed(Optional.of(TLS), new ProbeResult.Answered(FACTS)), NOW).status();
        DockerHostStatus soon = DirectHostRules.apply(first, 1,
                new DirectHostRules.Probed(Optional.of(TLS), new ProbeResult.Answered(FACTS)), NOW.plusSeconds(5)).status();
        assertThat(soon.getLastHeartbeatTime()).isEqualTo("2026-12-02T10:00:00Z");
    }

    private static Condition ready(DockerHostStatus s) {
        return Conditions.find(s.getConditions(), Conditions.READY).orElseThrow();
    }
}
