package io.kdop.hub.controller;

import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.join.TokenRecord;
import io.kdop.proto.CaPin;
import java.time.Instant;
import java.util.Optional;

/**
 * What to do about a host's join token, decided without I/O: keep one token outstanding for a
 * host that never joined; notice when it was used; issue a new one only when the user asks with
 * the token-request annotation, or when the outstanding one pins a CA that no longer signs (a CA
 * rotation was promoted: joining with it would fail). A token that expired or vanished is not
 * silently replaced: the host says so, and the user asks for a new one.
 *
 * @param joinedAt set when the outstanding token turns out to be used: the host joined then
 * @param clearOutstanding the outstanding token is spent: forget it and delete its join Secret
 * @param issue issue a new token now
 */
record TokenPlan(Optional<Instant> joinedAt, boolean clearOutstanding, boolean issue) {

    /**
     * @param status the host's current status
     * @param outstanding the record of status.joinTokenId, if there is one and it still exists
     * @param requested the value of the token-request annotation, if set
     * @param signing the CA new tokens pin
     */
    static TokenPlan decide(DockerHostStatus status, Optional<TokenRecord> outstanding, String requested,
            CaPin signing) {
        Optional<Instant> usedAt = outstanding.flatMap(TokenRecord::usedAt);
        boolean clear = usedAt.isPresent();
        boolean joined = status.getJoinedAt() != null || usedAt.isPresent();
        boolean hasToken = status.getJoinTokenId() != null && !clear;
        boolean requestChanged = requested != null && !requested.equals(status.getTokenRequest());
        boolean stale = outstanding.filter(r -> r.pinsAnotherCaThan(signing)).isPresent();
        boolean issue = requestChanged || (!joined && !hasToken) || stale;
        return new TokenPlan(usedAt, clear, issue);
    }
}
