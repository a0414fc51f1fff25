package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.hub.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent certificates are short-lived: the agent renews its certificate over the session before
 * it expires and moves to the new one, and the host stays Connected throughout.
 */
class CertificateRenewalIT {

    private static final Duration CERT_TTL = Duration.ofSeconds(15);

    @Test
    void anAgentKeepsRenewingItsCertificateAndStaysConnected(@TempDir Path work) throws Exception {
        Docker.requireDaemon();
        try (ApiServerStandIn api = new ApiServerStandIn(work)) {
            Cluster cluster = new Cluster(api.client());
            try (HubProcess hub = HubProcess.start(api, Ports.free(), work.resolve("hub.log"),
                    "--client-cert-ttl", CERT_TTL.toSeconds() + "s")) {
                cluster.createHost("edge-1", null);
                Path state = work.resolve("state");
                try (AgentProcess agent = AgentProcess.join(hub.address(), cluster.awaitJoinToken("edge-1"), state,
                        work.resolve("agent.log"))) {
                    cluster.awaitPhase("edge-1", "Connected", Duration.ofSeconds(60));
                    Instant firstExpiry = certificate(state).notAfter();
                    Set<BigInteger> serials = new HashSet<>();
                    serials.add(certificate(state).serial());

                    // Watch three lifetimes: every certificate is replaced before it expires.
                    Instant until = Instant.now().plus(CERT_TTL.multipliedBy(3));
                    await("three certificate lifetimes").atMost(CERT_TTL.multipliedBy(4))
                            .pollInterval(Duration.ofMillis(250)).until(() -> {
                                StoredCert current = certificate(state);
                                serials.add(current.serial());
                                assertThat(current.notAfter()).as("the stored certificate is never expired")
                                        .isAfter(Instant.now());
                                assertThat(cluster.host("edge-1").getStatus().getPhase()).isEqualTo("Connected");
                                assertThat(agent.isAlive()).isTrue();
                                return Instant.now().isAfter(until);
                            });

                    assertThat(serials).as("renewed certificates").hasSizeGreaterThanOrEqualTo(3);
                    assertThat(Instant.now()).isAfter(firstExpiry);
                    // Each renewed certificate is used: the agent reconnected with it after the old one expired.
                    assertThat(hub.log().split("session opened: edge/edge-1", -1).length - 1).isGreaterThanOrEqualTo(2);
                    assertThat(hub.log()).contains("renewed the certificate of edge/edge-1");
                }
            }
        }
    }

    private record StoredCert(BigInteger serial, Instant notAfter) {}

    private static StoredCert certificate(Path state) throws Exception {
        var cert = Pem.certificate(Files.readString(state.resolve("identity/cert.pem")));
        return new StoredCert(cert.getSerialNumber(), cert.getNotAfter().toInstant());
    }
}
