package io.kdop.hub.join;

import com.google.common.util.concurrent.Striped;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.session.HostDirectory;
import io.kdop.hub.session.PeerText;
import io.kdop.hub.session.RegisteredHost;
import io.kdop.proto.JoinToken;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a valid join token and a CSR into a client certificate for the token's host, once. */
public final class JoinService {

    private static final Logger LOG = LoggerFactory.getLogger(JoinService.class);
    /** A CSR for an EC P-256 key is about 300 bytes, for RSA 4096 under 2 KiB. */
    static final int MAX_CSR_BYTES = 8 * 1024;
    /** Token secrets are 32 characters; anything much longer is not one. */
    static final int MAX_SECRET_CHARS = 128;

    private final TokenRecordStore records;
    private final HostDirectory hosts;
    private final AgentCertificates certificates;
    private final Clock clock;
    private final Consumer<AgentIdentity> onJoined;
    private final Striped<Lock> hostLocks = Striped.lazyWeakLock(256);

    public JoinService(TokenRecordStore records, HostDirectory hosts, AgentCertificates certificates, Clock clock,
            Consumer<AgentIdentity> onJoined) {
        this.records = records;
        this.hosts = hosts;
        this.certificates = certificates;
        this.clock = clock;
        this.onJoined = onJoined;
    }

    /**
     * Joins of different hosts run in parallel; marking a token used is a compare-and-set on its
     * record, which decides between racing joins within one hub as across hubs.
     */
    public JoinResponse join(JoinRequest request) throws StatusRuntimeException {
        // Everything cheap is checked before the CSR is parsed, let alone Kubernetes asked.
        if (!JoinToken.isTokenId(request.getTokenId())) {
            throw Refusals.refuse(ErrorReason.TOKEN_UNKNOWN, "the join token is not known to this hub");
        }
        LOG.debug("join request with token id {}", request.getTokenId());
        if (request.getTokenSecret().length() > MAX_SECRET_CHARS) {
            throw Refusals.refuse(ErrorReason.TOKEN_INVALID, "the join token's secret is wrong");
        }
        if (request.getCsrDer().size() > MAX_CSR_BYTES) {
            throw Refusals.refuse(ErrorReason.CSR_INVALID, "the certificate request has " + request.getCsrDer().size()
                    + " bytes; at most " + MAX_CSR_BYTES + " are accepted");
        }
        String keyHash;
        try {
            keyHash = certificates.requestedKeyHash(request.getCsrDer().toByteArray());
        } catch (IllegalArgumentException e) {
            throw Refusals.refuse(ErrorReason.CSR_INVALID, e.getMessage());
        }
        try {
            return decideAndIssue(request, keyHash);
        } catch (KubernetesClientException e) {
            LOG.warn("join with token {} failed: the Kubernetes API answered {}", request.getTokenId(), e.getCode());
            throw Status.UNAVAILABLE.withDescription("the hub cannot reach the Kubernetes API right now; try again")
                    .asRuntimeException();
        }
    }

    private JoinResponse decideAndIssue(JoinRequest request, String keyHash) {
        Optional<TokenRecord> record = records.find(request.getTokenId());
        if (record.isEmpty()) {
            return decideAndIssue(request, keyHash, record);
        }
        // Joins of one host take turns: a replay by a replaced machine must not interleave with its
        // successor's join (each reads the generation, then writes it). Other hosts go on in parallel.
        Lock lock = hostLocks.get(record.get().host().uid());
        lock.lock();
        try {
            return decideAndIssue(request, keyHash, record);
        } finally {
            lock.unlock();
        }
    }

    private JoinResponse decideAndIssue(JoinRequest request, String keyHash, Optional<TokenRecord> record) {
        Instant now = clock.instant();
        Optional<RegisteredHost> host = record.flatMap(r -> hosts.find(r.host().namespace(), r.host().name()));
        JoinDecision decision = JoinDecision.decide(record, request.getTokenSecret(), keyHash, host, now);
        if (decision instanceof JoinDecision.Refuse(ErrorReason reason, String message)) {
            LOG.warn("refused join with token {}: {}", request.getTokenId(), message);
            throw Refusals.refuse(reason, message);
        }
        JoinDecision.Accept accept = (JoinDecision.Accept) decision;
        AgentIdentity identity = accept.identity();
        if (!accept.replay() && !records.markUsed(record.get(), now, keyHash)) {
            LOG.warn("refused join with token {}: another join used it at the same moment", request.getTokenId());
            throw Refusals.refuse(ErrorReason.TOKEN_USED, "the join token " + request.getTokenId()
                    + " was used by another join at the same moment; tokens are single-use");
        }
        if (!identity.generation().equals(host.get().generation())) {
            hosts.recordGeneration(identity);
        }
        AgentCertificates.Issued issued = certificates.issue(request.getCsrDer().toByteArray(), identity);
        LOG.info("agent {} joined as {} with token {}{}; certificate valid until {}",
                PeerText.forLog(request.getAgentVersion()), identity, request.getTokenId(),
                accept.replay() ? " (repeated join by the same key)" : "", issued.notAfter());
        onJoined.accept(identity);
        return JoinResponse.newBuilder()
                .setCertificatePem(issued.certificatePem())
                .setCaBundlePem(issued.caBundlePem())
                .setHost(identity.toProto())
                .build();
    }
}
