package io.kdop.hub.controller;

import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.join.JoinTokenIssuer;
import io.kdop.hub.join.JoinTokenTtl;
import io.kdop.hub.join.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out a {@link TokenPlan}: reads the outstanding token's record, issues and cleans up. */
final class JoinTokenLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JoinTokenLifecycle.class);

    private final JoinTokenIssuer issuer;
    private final Duration defaultTtl;

    JoinTokenLifecycle(JoinTokenIssuer issuer, Duration defaultTtl) {
        this.issuer = issuer;
        this.defaultTtl = defaultTtl;
    }

    /** Brings the token fields of the status up to date; returns a problem to report, if any. */
    Optional<String> apply(DockerHost host, DockerHostStatus status, Instant now) {
        Optional<TokenRecord> outstanding = Optional.ofNullable(status.getJoinTokenId()).flatMap(issuer::find);
        String requested = host.getMetadata().getAnnotations() == null ? null
                : host.getMetadata().getAnnotations().get(KdopApi.TOKEN_REQUEST_ANNOTATION);
        TokenPlan plan = TokenPlan.decide(status, outstanding, requested, issuer.currentPin());
        if (plan.issue() && outstanding.filter(r -> r.pinsAnotherCaThan(issuer.currentPin())).isPresent()) {
            LOG.info("replacing the unused join token {} of DockerHost {}/{}: it pins a CA that no longer signs "
                    + "(CA rotation promoted)", outstanding.get().tokenId(), host.getMetadata().getNamespace(),
                    host.getMetadata().getName());
        }

        plan.joinedAt().ifPresent(used -> status.setJoinedAt(Timestamps.format(used)));
        if (plan.clearOutstanding()) {
            status.setJoinTokenId(null);
            status.setJoinTokenExpiresAt(null);
            status.setJoinSecretName(null);
            issuer.deleteJoinSecret(host);
        }
        if (!plan.issue()) {
            return Optional.empty();
        }
        Duration ttl;
        try {
            ttl = JoinTokenTtl.of(host.getSpec() == null ? null : host.getSpec().getJoinTokenTTL(), defaultTtl);
        } catch (IllegalArgumentException e) {
            return Optional.of("spec.joinTokenTTL " + e.getMessage());
        }
        JoinTokenIssuer.Issued issued;
        try {
            issued = issuer.issue(host, ttl, now);
        } catch (JoinTokenIssuer.ForeignSecretException e) {
            return Optional.of(e.getMessage());
        }
        LOG.info("issued join token {} for DockerHost {}/{}, valid until {}", issued.tokenId(),
                host.getMetadata().getNamespace(), host.getMetadata().getName(), issued.expiresAt());
        status.setJoinTokenId(issued.tokenId());
        status.setJoinTokenExpiresAt(Timestamps.format(issued.expiresAt()));
        status.setJoinSecretName(issued.joinSecretName());
        status.setTokenRequest(requested);
        return Optional.empty();
    }
}
