package io.kdop.hub.controller;

import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.join.JoinTokenIssuer;
import io.kdop.hub.join.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one join token outstanding for a host that has not joined, notices when it was used, and
 * issues a new one when the user asks with the token-request annotation.
 */
final class JoinTokenLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JoinTokenLifecycle.class);

    private final JoinTokenIssuer issuer;
    private final Duration defaultTtl;

    JoinTokenLifecycle(JoinTokenIssuer issuer, Duration defaultTtl) {
        this.issuer = issuer;
        this.defaultTtl = defaultTtl;
    }

    /** Brings the token fields of the status up to date; returns a spec problem, if any. */
    Optional<String> apply(DockerHost host, DockerHostStatus status, Instant now) {
        if (status.getJoinTokenId() != null) {
            Optional<TokenRecord> record = issuer.find(status.getJoinTokenId());
            if (record.isEmpty() || record.get().usedAt().isPresent()) {
                record.flatMap(TokenRecord::usedAt).ifPresent(used -> status.setJoinedAt(Timestamps.format(used)));
                clearToken(status);
                issuer.deleteJoinSecret(host);
            }
        }
        String requested = host.getMetadata().getAnnotations() == null ? null
                : host.getMetadata().getAnnotations().get(KdopApi.TOKEN_REQUEST_ANNOTATION);
        boolean requestChanged = requested != null && !requested.equals(status.getTokenRequest());
        boolean neverJoined = status.getJoinedAt() == null && status.getJoinTokenId() == null;
        if (!neverJoined && !requestChanged) {
            return Optional.empty();
        }
        Duration ttl;
        try {
            ttl = ttl(host);
        } catch (IllegalArgumentException e) {
            return Optional.of("spec.joinTokenTTL " + e.getMessage());
        }
        if (status.getJoinTokenId() != null) {
            issuer.revoke(status.getJoinTokenId());
        }
        JoinTokenIssuer.Issued issued = issuer.issue(host, ttl, now);
        LOG.info("issued join token {} for DockerHost {}/{}, valid until {}", issued.tokenId(),
                host.getMetadata().getNamespace(), host.getMetadata().getName(), issued.expiresAt());
        status.setJoinTokenId(issued.tokenId());
        status.setJoinTokenExpiresAt(Timestamps.format(issued.expiresAt()));
        status.setJoinSecretName(issued.joinSecretName());
        status.setTokenRequest(requested);
        return Optional.empty();
    }

    private Duration ttl(DockerHost host) {
        String text = host.getSpec() == null ? null : host.getSpec().getJoinTokenTTL();
        if (text == null || text.isBlank()) {
            return defaultTtl;
        }
        Duration ttl;
        try {
            ttl = io.fabric8.kubernetes.api.model.Duration.parse(text).getDuration();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 24h or 90m");
        }
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("must be positive, got '" + text + "'");
        }
        return ttl;
    }

    private static void clearToken(DockerHostStatus status) {
        status.setJoinTokenId(null);
        status.setJoinTokenExpiresAt(null);
        status.setJoinSecretName(null);
    }
}
