package io.kdop.hub.join;

import io.kdop.hub.api.Timestamps;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.session.RegisteredHost;
import io.kdop.proto.v1.ErrorReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rule for accepting a join: a known token, the right secret, unused and unexpired, for a
 * host that still exists. A retry by the same key shortly after a successful join is accepted
 * again, because on a flaky link the answer to the first try can be lost; but not once another
 * join of the host followed it.
 */
public sealed interface JoinDecision {

    /** How long after a join the same key may repeat it. */
    Duration REPLAY_WINDOW = Duration.ofMinutes(10);

    /**
     * The join may proceed: the certificate will name this identity.
     *
     * @param replay true when this repeats a join that already spent the token
     */
    record Accept(AgentIdentity identity, boolean replay) implements JoinDecision {}

    /** The join is refused; the message is safe to show the agent (it never repeats the secret). */
    record Refuse(ErrorReason reason, String message) implements JoinDecision {}

    /**
     * Decides a join.
     *
     * @param record the token's record, if the id is known
     * @param presentedSecret the secret the agent sent
     * @param keyHash the SHA-256 of the CSR's public key
     * @param host the DockerHost the token names, if it still exists
     */
    static JoinDecision decide(Optional<TokenRecord> record, String presentedSecret, String keyHash,
            Optional<RegisteredHost> host, Instant now) {
        if (record.isEmpty()) {
            return new Refuse(ErrorReason.TOKEN_UNKNOWN, "the join token is not known to this hub");
        }
        TokenRecord token = record.get();
        // The secret is checked before anything else, so a caller who only knows the id learns nothing.
        if (!token.secretMatches(presentedSecret)) {
            return new Refuse(ErrorReason.TOKEN_INVALID, "the join token's secret is wrong");
        }
        String owner = "DockerHost " + token.host().hostKey();
        if (host.isEmpty() || !host.get().uid().equals(token.host().uid())) {
            return new Refuse(ErrorReason.HOST_REVOKED, owner + " that the join token was issued for no longer exists");
        }
        if (token.usedAt().isPresent()) {
            boolean sameKey = token.usedByKey().filter(keyHash::equals).isPresent();
            boolean recent = now.isBefore(token.usedAt().get().plus(REPLAY_WINDOW));
            if (sameKey && recent && host.get().joinedAgainAfter(token.tokenId(), token.usedAt().get())) {
                // A replaced machine must not take its host back from the successor with an old answer.
                return new Refuse(ErrorReason.TOKEN_USED, "the join token " + token.tokenId() + " of " + owner
                        + " was used at " + Timestamps.format(token.usedAt().get()) + " and " + owner
                        + " was joined again since; tokens are single-use");
            }
            if (sameKey && recent) {
                return new Accept(token.host(), true);
            }
            return new Refuse(ErrorReason.TOKEN_USED, "the join token " + token.tokenId() + " of " + owner
                    + " was already used at " + Timestamps.format(token.usedAt().get()) + "; tokens are single-use");
        }
        if (!now.isBefore(token.expiresAt())) {
            return new Refuse(ErrorReason.TOKEN_EXPIRED, "the join token " + token.tokenId() + " of " + owner
                    + " expired at " + Timestamps.format(token.expiresAt()));
        }
        return new Accept(token.host(), false);
    }
}
