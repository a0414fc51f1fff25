package io.kdop.hub.session;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CaSet;
import io.kdop.hub.state.Revision;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.CertificateIssued;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.OpenTunnel;
import io.kdop.proto.v1.HubWelcome;
import io.kdop.proto.v1.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's control stream. Its identity comes from the client certificate, fixed for the
 * stream's life; every message is handled as that host and no other, and only while the
 * certificate is valid.
 */
public final class AgentSession implements StreamObserver<AgentMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
    private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9.-]{1,253}");

    private final AgentIdentity identity;
    private final Instant certificateNotAfter;
    private final X509Certificate certificate;
    private final ServerCallStreamObserver<HubMessage> outbound;
    private final SessionServices services;
    // Snapshots are pushed from controller threads while replies go out from the gRPC thread.
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ScheduledFuture<?> helloDeadline;
    private final ScheduledFuture<?> expiry;
    private long lastSentRevision = -1;
    private volatile boolean welcomed;
    // set once the hello is answered: from then on changes of the hub's CAs are pushed
    private volatile boolean trustPushed;
    private volatile boolean closed;

    /** @param certificate the client certificate of the connection, from a CA the hub trusted at its handshake */
    public AgentSession(AgentIdentity identity, Instant certificateNotAfter, X509Certificate certificate,
            ServerCallStreamObserver<HubMessage> outbound, SessionServices services) {
        this.identity = identity;
        this.certificateNotAfter = certificateNotAfter;
        this.certificate = certificate;
        this.outbound = outbound;
        this.services = services;
        outbound.setOnCancelHandler(this::onCancelled);
        this.helloDeadline = services.scheduler().schedule(() -> {
            if (!welcomed) {
                close(ErrorReason.PROTOCOL_VIOLATION, "no hello within " + services.helloDeadline().toSeconds() + "s");
            }
        }, services.helloDeadline().toMillis(), TimeUnit.MILLISECONDS);
        // A silent session (keepalives only) would otherwise outlive its certificate while desired
        // state, secrets included, still flows to it.
        long untilExpiry = Math.max(0, Duration.between(services.clock().instant(), certificateNotAfter).toMillis());
        this.expiry = services.scheduler().schedule(this::closeExpired, untilExpiry, TimeUnit.MILLISECONDS);
    }

    private void closeExpired() {
        close(ErrorReason.CERTIFICATE_REQUIRED, "the client certificate expired at " + certificateNotAfter
                + "; reconnect with the renewed certificate");
    }

    public AgentIdentity identity() {
        return identity;
    }

    @Override
    public void onNext(AgentMessage message) {
        if (closed) {
            return;
        }
        if (!services.clock().instant().isBefore(certificateNotAfter)) {
            // The renewed certificate only takes effect on a new connection: ask for one.
            closeExpired();
            return;
        }
        if (!welcomed) {
            if (message.hasHello()) {
                onHello(message.getHello());
            } else {
                close(ErrorReason.PROTOCOL_VIOLATION, "the first message of a session must be a hello");
            }
            return;
        }
        if (!services.registry().isLive(this)) {
            close(ErrorReason.SESSION_REPLACED, "this session is no longer the live session of " + identity.hostKey());
            return;
        }
        switch (message.getKindCase()) {
            case HEARTBEAT -> services.registry().heard(this, message.getHeartbeat().getFacts());
            case ACK -> onAck(message);
            case STATUS -> {
                services.registry().heard(this, null);
                services.reports().accept(identity.hostKey(), message.getStatus());
            }
            case RENEW_CERTIFICATE -> onRenew(message.getRenewCertificate().getCsrDer().toByteArray());
            case HELLO -> close(ErrorReason.PROTOCOL_VIOLATION, "a session has only one hello");
            case KIND_NOT_SET -> LOG.debug("{}: ignoring a message of a kind this hub does not know", identity.hostKey());
        }
    }

    private void onHello(AgentHello hello) {
        if (!hello.hasHost() || !identity.sameAs(hello.getHost())) {
            LOG.warn("refused session: certificate names {} but the hello claims {}", identity, claimed(hello.getHost()));
            close(ErrorReason.IDENTITY_MISMATCH, "the certificate names " + identity.hostKey()
                    + " but the hello claims " + claimed(hello.getHost()));
            return;
        }
        boolean admitted = services.hosts().admits(identity);
        if (!admitted && services.hosts().isDirect(identity)) {
            LOG.warn("refused session of {}: the DockerHost is a direct host (spec.hostURL)", identity);
            close(ErrorReason.HOST_IS_DIRECT, directHostMessage(identity.hostKey()));
            return;
        }
        if (!admitted) {
            LOG.warn("refused session of {}: the DockerHost was deleted, recreated or joined again", identity);
            close(ErrorReason.HOST_REVOKED, "DockerHost " + identity.hostKey() + " no longer exists, was recreated, "
                    + "or was joined again with a newer token; this agent's certificate is revoked");
            return;
        }
        // The welcome goes out before the session is reachable for pushes, so it is always first.
        welcomed = true;
        helloDeadline.cancel(false);
        send(HubMessage.newBuilder().setWelcome(HubWelcome.newBuilder()
                .setHost(identity.toProto())
                .setHubVersion(services.hubVersion())
                .setHeartbeatIntervalSeconds((int) services.heartbeatInterval().toSeconds()))
                .build());
        // The snapshot exists before the session is registered, so the status written on
        // registration already knows the host's desired revision.
        Revision applied = new Revision(hello.getAppliedRevision(), hello.getAppliedDigest());
        DesiredState snapshot = services.desiredStates().forSession(identity.hostKey(), applied);
        SessionRegistry.Registration registration = services.registry().register(this, hello.getAgentVersion(),
                hello.getFacts(), hello.getAppliedRevision());
        switch (registration) {
            case ACCEPTED -> { }
            case IDENTITY_IN_USE -> {
                LOG.warn("refused a second session of {}: another agent with this identity is connected and "
                        + "heard from; two machines share one state directory (copied or cloned)", identity);
                close(ErrorReason.IDENTITY_IN_USE, "another agent with this identity (DockerHost "
                        + identity.hostKey() + ") is connected; two machines must not share one state directory");
                return;
            }
            case REVOKED, SUPERSEDED -> {
                close(ErrorReason.HOST_REVOKED, "DockerHost " + identity.hostKey() + (registration
                        == SessionRegistry.Registration.REVOKED ? " was deleted" : " was joined again with a newer token")
                        + "; this agent's certificate is revoked");
                return;
            }
        }
        LOG.info("session opened: {} agent {} Docker {}", identity, PeerText.forLog(hello.getAgentVersion()),
                PeerText.forLog(hello.getFacts().getDockerVersion()));
        push(services.desiredStates().current(identity.hostKey()).filter(s -> s.getRevision() > snapshot.getRevision())
                .orElse(snapshot));
        trustPushed = true;
        sendTrust(services.certificates().authorities()); // the latest: a change from now on is pushed again
    }

    /**
     * Tells the agent which CAs to trust from now on, and to renew its certificate at once if
     * another CA signs now; after the hello and whenever the hub's CAs change. A session whose
     * certificate's CA was retired meanwhile is closed: the agent reconnects with its renewed
     * certificate, or learns it has none the hub still trusts.
     */
    public void sendTrust(CaSet cas) {
        if (!trustPushed || closed) {
            return; // before the welcome nothing else may be sent; the hello sends the latest itself
        }
        if (!cas.trusts(certificate)) {
            close(ErrorReason.CERTIFICATE_REQUIRED, "the CA that issued this session's certificate was retired; "
                    + "reconnect with the renewed certificate");
            return;
        }
        send(HubMessage.newBuilder().setTrust(TrustBundle.newBuilder()
                .setCaBundlePem(cas.bundlePem())
                .setRenewCertificate(!cas.signedBySigning(certificate)))
                .build());
    }

    private void onAck(AgentMessage message) {
        if (!message.getAck().getError().isEmpty()) {
            // Not recorded as applied: status must not claim a revision the agent could not keep.
            LOG.warn("{} could not apply revision {}: {}", identity.hostKey(), message.getAck().getRevision(),
                    PeerText.forLog(message.getAck().getError()));
            services.registry().heard(this, null);
            return;
        }
        services.registry().applied(this, message.getAck().getRevision());
    }

    private void onRenew(byte[] csrDer) {
        // Counted per identity and signing CA, not per stream: reconnecting must not buy a fresh
        // allowance, but a CA promoted since gives one (the hub itself asks for that renewal).
        if (!services.renewals().tryAcquire(identity, services.certificates().authorities().pin())) {
            LOG.warn("{} asked for certificates too often; ignoring this request", identity.hostKey());
            return;
        }
        if (!services.hosts().admits(identity)) {
            close(ErrorReason.HOST_REVOKED, "DockerHost " + identity.hostKey() + " is no longer served by this identity");
            return;
        }
        try {
            AgentCertificates.Issued certificate = services.certificates().issue(csrDer, identity);
            send(HubMessage.newBuilder().setCertificate(CertificateIssued.newBuilder()
                    .setCertificatePem(certificate.certificatePem())
                    .setCaBundlePem(certificate.caBundlePem()))
                    .build());
            LOG.info("renewed the certificate of {} (valid until {})", identity.hostKey(), certificate.notAfter());
        } catch (IllegalArgumentException e) {
            close(ErrorReason.CSR_INVALID, e.getMessage());
        }
    }

    /**
     * Sends a desired-state snapshot; called after the hello and whenever the host's desired
     * state changes. A snapshot older than one already sent is dropped: pushes from different
     * threads may arrive here out of order, and the agent must never be told to go back.
     */
    public void push(DesiredState snapshot) {
        sendLock.lock();
        try {
            if (snapshot.getRevision() <= lastSentRevision) {
                return;
            }
            lastSentRevision = snapshot.getRevision();
            send(HubMessage.newBuilder().setDesiredState(snapshot).build());
        } finally {
            sendLock.unlock();
        }
    }

    /** Asks the agent to carry one connection (it answers with a Tunnel call). */
    public void openTunnel(OpenTunnel request) {
        send(HubMessage.newBuilder().setOpenTunnel(request).build());
    }

    /** Ends the session with a refusal the agent can act on. */
    public void close(ErrorReason reason, String message) {
        sendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            outbound.onError(Refusals.refuse(reason, message));
        } catch (IllegalStateException e) {
            LOG.debug("stream of {} already closed", identity.hostKey());
        } finally {
            sendLock.unlock();
        }
        end();
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
        LOG.info("session of {} ended: {}", identity.hostKey(), io.grpc.Status.fromThrowable(t).getCode());
        closed = true;
        end();
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
        end();
    }

    private void onCancelled() {
        closed = true;
        end();
    }

    private void end() {
        helloDeadline.cancel(false);
        if (expiry != null) { // null when the certificate expired before the timer could be kept
            expiry.cancel(false);
        }
        services.registry().closed(this);
    }

    /** Why an agent of a direct host is refused, in the hub's words (the agent adds what to do). */
    static String directHostMessage(String hostKey) {
        return "DockerHost " + hostKey + " is a direct host (spec.hostURL): the hub drives its Docker API itself, "
                + "and no agent may";
    }

    /** What a hello claims, safe for a log line: a peer could send anything there. */
    private static String claimed(HostIdentity host) {
        boolean plausible = KUBERNETES_NAME.matcher(host.getNamespace()).matches()
                && KUBERNETES_NAME.matcher(host.getName()).matches();
        return plausible ? host.getNamespace() + "/" + host.getName() : "<an invalid name>";
    }
}
