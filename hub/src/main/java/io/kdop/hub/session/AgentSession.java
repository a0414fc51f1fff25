package io.kdop.hub.session;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.state.Revision;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.CertificateIssued;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.HubWelcome;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's control stream. Its identity comes from the client certificate, fixed for the
 * stream's life; every message is handled as that host and no other.
 */
public final class AgentSession implements StreamObserver<AgentMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    private final AgentIdentity identity;
    private final ServerCallStreamObserver<HubMessage> outbound;
    private final SessionServices services;
    // Snapshots are pushed from controller threads while replies go out from the gRPC thread.
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile boolean helloReceived;
    private volatile boolean closed;

    public AgentSession(AgentIdentity identity, ServerCallStreamObserver<HubMessage> outbound, SessionServices services) {
        this.identity = identity;
        this.outbound = outbound;
        this.services = services;
        outbound.setOnCancelHandler(() -> {
            closed = true;
            services.registry().closed(this);
        });
    }

    public AgentIdentity identity() {
        return identity;
    }

    @Override
    public void onNext(AgentMessage message) {
        if (closed) {
            return;
        }
        if (!helloReceived) {
            if (!message.hasHello()) {
                close(ErrorReason.PROTOCOL_VIOLATION, "the first message of a session must be a hello");
                return;
            }
            onHello(message.getHello());
            return;
        }
        if (!services.registry().isLive(this)) {
            close(ErrorReason.SESSION_REPLACED, "this session is no longer the live session of " + identity.hostKey());
            return;
        }
        switch (message.getKindCase()) {
            case HEARTBEAT -> services.registry().heard(this, message.getHeartbeat().getFacts());
            case ACK -> onAck(message);
            case STATUS -> services.registry().heard(this, null);
            case RENEW_CERTIFICATE -> onRenew(message.getRenewCertificate().getCsrDer().toByteArray());
            case HELLO -> close(ErrorReason.PROTOCOL_VIOLATION, "a session has only one hello");
            case KIND_NOT_SET -> LOG.debug("{}: ignoring a message of a kind this hub does not know", identity.hostKey());
        }
    }

    private void onHello(AgentHello hello) {
        if (!hello.hasHost() || !identity.sameAs(hello.getHost())) {
            LOG.warn("refused session: certificate names {} but the hello claims {}/{}", identity,
                    hello.getHost().getNamespace(), hello.getHost().getName());
            close(ErrorReason.IDENTITY_MISMATCH, "the certificate names " + identity.hostKey()
                    + " but the hello claims " + hello.getHost().getNamespace() + "/" + hello.getHost().getName());
            return;
        }
        if (!services.hosts().currentUid(identity.namespace(), identity.name()).filter(identity.uid()::equals).isPresent()) {
            LOG.warn("refused session of {}: the DockerHost was deleted", identity);
            close(ErrorReason.HOST_REVOKED, "DockerHost " + identity.hostKey()
                    + " no longer exists (or was recreated); this agent's certificate is revoked");
            return;
        }
        helloReceived = true;
        services.registry().register(this, hello.getAgentVersion(), hello.getFacts(), hello.getAppliedRevision());
        LOG.info("session opened: {} agent {} Docker {}", identity, hello.getAgentVersion(),
                hello.getFacts().getDockerVersion());
        send(HubMessage.newBuilder().setWelcome(HubWelcome.newBuilder()
                .setHost(identity.toProto())
                .setHubVersion(services.hubVersion())
                .setHeartbeatIntervalSeconds((int) services.heartbeatInterval().toSeconds()))
                .build());
        Revision applied = new Revision(hello.getAppliedRevision(), hello.getAppliedDigest());
        push(services.desiredStates().forSession(identity.hostKey(), applied));
    }

    private void onAck(AgentMessage message) {
        if (!message.getAck().getError().isEmpty()) {
            LOG.warn("{} could not apply revision {}: {}", identity.hostKey(), message.getAck().getRevision(),
                    message.getAck().getError());
        }
        services.registry().applied(this, message.getAck().getRevision());
    }

    private void onRenew(byte[] csrDer) {
        try {
            var certificate = services.certificates().issue(csrDer, identity);
            send(HubMessage.newBuilder().setCertificate(CertificateIssued.newBuilder()
                    .setCertificatePem(certificate.certificatePem())
                    .setCaBundlePem(certificate.caBundlePem()))
                    .build());
            LOG.info("renewed the certificate of {} (valid until {})", identity.hostKey(), certificate.notAfter());
        } catch (IllegalArgumentException e) {
            close(ErrorReason.CSR_INVALID, e.getMessage());
        }
    }

    /** Sends a desired-state snapshot; called on hello and whenever the host's desired state changes. */
    public void push(DesiredState snapshot) {
        send(HubMessage.newBuilder().setDesiredState(snapshot).build());
    }

    /** Ends the session with a refusal the agent can act on. */
    public void close(ErrorReason reason, String message) {
        sendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Status.Code code = switch (reason) {
                case SESSION_REPLACED -> Status.Code.ABORTED;
                case PROTOCOL_VIOLATION, CSR_INVALID -> Status.Code.INVALID_ARGUMENT;
                case CERTIFICATE_REQUIRED -> Status.Code.UNAUTHENTICATED;
                default -> Status.Code.PERMISSION_DENIED;
            };
            outbound.onError(Refusals.refuse(code, reason, message));
        } catch (IllegalStateException e) {
            LOG.debug("stream of {} already closed", identity.hostKey());
        } finally {
            sendLock.unlock();
        }
        services.registry().closed(this);
    }

    private void send(HubMessage message) {
        sendLock.lock();
        try {
            if (!closed && !outbound.isCancelled()) {
                outbound.onNext(message);
            }
        } catch (RuntimeException e) {
            LOG.debug("could not send to {}: {}", identity.hostKey(), e.toString());
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public void onError(Throwable t) {
        closed = true;
        LOG.info("session of {} ended: {}", identity.hostKey(), Status.fromThrowable(t).getCode());
        services.registry().closed(this);
    }

    @Override
    public void onCompleted() {
        LOG.info("session of {} closed by the agent", identity.hostKey());
        sendLock.lock();
        try {
            if (!closed) {
                closed = true;
                outbound.onCompleted();
            }
        } catch (IllegalStateException e) {
            LOG.debug("stream of {} already closed", identity.hostKey());
        } finally {
            sendLock.unlock();
        }
        services.registry().closed(this);
    }
}
