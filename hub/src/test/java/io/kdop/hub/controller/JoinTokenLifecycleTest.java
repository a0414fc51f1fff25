package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.join.JoinTokenIssuer;
import io.kdop.proto.CaPin;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JoinTokenLifecycleTest {

    @Test
    void aHostAskingForATokenLongerThanSevenDaysGetsNoTokenAndAProblemSayingTheMaximum() {
        DockerHost host = new DockerHost();
        host.setMetadata(new ObjectMetaBuilder().withNamespace("edge").withName("edge-1").withUid("u1").build());
        DockerHostSpec spec = new DockerHostSpec();
        spec.setJoinTokenTTL("720h");
        host.setSpec(spec);
        DockerHostStatus status = new DockerHostStatus();
        // no issuer: refusing must happen before anything is issued or read
        JoinTokenLifecycle tokens = new JoinTokenLifecycle(
                new JoinTokenIssuer(null, null, () -> CaPin.ofHex("a".repeat(64)), null, null), Duration.ofHours(24));

        assertThat(tokens.apply(host, status, Instant.parse("2026-11-21T12:00:00Z")))
                .hasValueSatisfying(problem -> assertThat(problem)
                        .startsWith("spec.joinTokenTTL is '720h', longer than the maximum of 168h (7 days)"));
        assertThat(status.getJoinTokenId()).isNull();
    }
}
