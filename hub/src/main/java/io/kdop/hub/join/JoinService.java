package io.kdop.hub.join;

import io.grpc.Status;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.session.HostDirectory;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a valid join token and a CSR into a client certificate for the token's host, once. */
public final class JoinService {

    private static final Logger LOG = LoggerFactory.getLogger(JoinService.class);
    private static final java.util.regex.Pattern TOKEN_ID = java.util.regex.Pattern.compile("[a-z0-9]{8}");

    private final TokenRecordStore records;
    private final HostDirectory hosts;
    private final AgentCertificates certificates;
    private final Clock clock;
    private final Consumer<AgentIdentity> onJoined;
    // Joins are rare; one lock makes "single-use" hold within this hub without a race window.
    private final ReentrantLock lock = new ReentrantLock();

    public JoinService(TokenRecordStore records, HostDirectory hosts, AgentCertificates certificates, Clock clock,
            Consumer<AgentIdentity> onJoined) {
        this.records = records;
        this.hosts = hosts;
        this.certificates = certificates;
        this.clock = clock;
        this.onJoined = onJoined;
    }

    public JoinResponse join(JoinRequest request) throws StatusRuntimeException {
        LOG.debug("join request with token id {}", request.getTokenId());
        if (!TOKEN_ID.matcher(request.getTokenId()).matches()) {
            throw refuse(ErrorReason.TOKEN_UNKNOWN, "the join token is not known to this hub");
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            Optional<TokenRecord> record = records.find(request.getTokenId());
            Optional<String> hostUid = record.flatMap(r -> hosts.currentUid(r.host().namespace(), r.host().name()));
            JoinDecision decision = JoinDecision.decide(record, request.getTokenSecret(), hostUid, now);
            if (decision instanceof JoinDecision.Refuse(ErrorReason reason, String message)) {
                LOG.warn("refused join with token {}: {}", request.getTokenId(), message);
                throw refuse(reason, message);
            }
            AgentIdentity host = ((JoinDecision.Accept) decision).host();
            AgentCertificates.Issued issued;
            try {
                issued = certificates.issue(request.getCsrDer().toByteArray(), host);
            } catch (IllegalArgumentException e) {
                LOG.warn("refused join of {}: {}", host.hostKey(), e.getMessage());
                throw refuse(ErrorReason.CSR_INVALID, e.getMessage());
            }
            records.markUsed(record.get(), now);
            LOG.info("agent {} joined as {} with token {}; certificate valid until {}", request.getAgentVersion(),
                    host, request.getTokenId(), issued.notAfter());
            onJoined.accept(host);
            return JoinResponse.newBuilder()
                    .setCertificatePem(issued.certificatePem())
                    .setCaBundlePem(issued.caBundlePem())
                    .setHost(host.toProto())
                    .build();
        } finally {
            lock.unlock();
        }
    }

    private static StatusRuntimeException refuse(ErrorReason reason, String message) {
        Status.Code code = switch (reason) {
            case CSR_INVALID -> Status.Code.INVALID_ARGUMENT;
            case TOKEN_UNKNOWN, TOKEN_INVALID -> Status.Code.UNAUTHENTICATED;
            default -> Status.Code.PERMISSION_DENIED;
        };
        return Refusals.refuse(code, reason, message);
    }
}
