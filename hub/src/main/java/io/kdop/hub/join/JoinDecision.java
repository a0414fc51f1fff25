package io.kdop.hub.join;

import io.kdop.hub.api.Timestamps;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.v1.ErrorReason;
import java.time.Instant;
import java.util.Optional;

/** The rule for accepting a join: a known token, the right secret, unused, unexpired, for a host that still exists. */
public sealed interface JoinDecision {

    /** The join may proceed: the certificate will name this host. */
    record Accept(AgentIdentity host) implements JoinDecision {}

    /** The join is refused; the message is safe to show the agent (it never repeats the secret). */
    record Refuse(ErrorReason reason, String message) implements JoinDecision {}

    /**
     * Decides a join.
     *
     * @param record the token's record, if the id is known
     * @param presentedSecret the secret the agent sent
     * @param currentHostUid the UID of the DockerHost the token names, if it still exists
     */
    static JoinDecision decide(Optional<TokenRecord> record, String presentedSecret, Optional<String> currentHostUid,
            Instant now) {
        if (record.isEmpty()) {
            return new Refuse(ErrorReason.TOKEN_UNKNOWN, "the join token is not known to this hub");
        }
        TokenRecord token = record.get();
        // The secret is checked before anything else, so a caller who only knows the id learns nothing.
        if (!token.secretMatches(presentedSecret)) {
            return new Refuse(ErrorReason.TOKEN_INVALID, "the join token's secret is wrong");
        }
        if (token.usedAt().isPresent()) {
            return new Refuse(ErrorReason.TOKEN_USED, "the join token " + token.tokenId() + " of DockerHost "
                    + token.host().hostKey() + " was already used at "
                    + Timestamps.format(token.usedAt().get()) + "; tokens are single-use");
        }
        if (!now.isBefore(token.expiresAt())) {
            return new Refuse(ErrorReason.TOKEN_EXPIRED, "the join token " + token.tokenId() + " of DockerHost "
                    + token.host().hostKey() + " expired at "
                    + Timestamps.format(token.expiresAt()));
        }
        if (currentHostUid.isEmpty() || !currentHostUid.get().equals(token.host().uid())) {
            return new Refuse(ErrorReason.HOST_REVOKED, "DockerHost " + token.host().hostKey()
                    + " that the join token was issued for no longer exists");
        }
        return new Accept(token.host());
    }
}
