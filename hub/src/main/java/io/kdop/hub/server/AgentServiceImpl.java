package io.kdop.hub.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.hub.join.JoinQueue;
import io.kdop.hub.join.JoinService;
import io.kdop.hub.join.JoinThrottle;
import io.kdop.hub.pki.CaSet;
import io.kdop.hub.session.AgentSession;
import io.kdop.hub.session.SessionServices;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import io.kdop.proto.v1.TunnelFrame;
import io.kdop.hub.tunnel.TunnelBroker;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The hub's gRPC endpoint for agents: joins without a certificate, sessions only with one. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(AgentServiceImpl.class);

    private final JoinService joins;
    private final JoinThrottle joinThrottle;
    private final JoinQueue joinQueue;
    private final SessionServices services;
    private final TunnelBroker tunnels;
    private final Supplier<CaSet> cas;

    /** @param cas the hub's CAs now: a certificate of a CA retired since the handshake is refused */
    public AgentServiceImpl(JoinService joins, JoinThrottle joinThrottle, JoinQueue joinQueue,
            SessionServices services, TunnelBroker tunnels, Supplier<CaSet> cas) {
        this.joins = joins;
        this.joinThrottle = joinThrottle;
        this.joinQueue = joinQueue;
        this.services = services;
        this.tunnels = tunnels;
        this.cas = cas;
    }

    @Override
    public void join(JoinRequest request, StreamObserver<JoinResponse> responses) {
        String peer = PeerIdentityInterceptor.PEER_ADDRESS.get();
        if (!joinThrottle.admit(peer == null ? "unknown" : peer)) {
            // Agents retry this after the delay; nothing is parsed or looked up for it.
            responses.onError(Refusals.busy("too many joins from this address right now; try again in a moment",
                    Duration.ofSeconds(1)));
            return;
        }
        // The call thread only queues the join: sessions keep their threads however many agents join.
        joinQueue.submit(new QueuedJoin(joins, request, (ServerCallStreamObserver<JoinResponse>) responses));
    }

    @Override
    public StreamObserver<AgentMessage> session(StreamObserver<HubMessage> responses) {
        Optional<PeerCertificate> peer = PeerIdentityInterceptor.PEER.get();
        if (peer == null || peer.isEmpty()) {
            LOG.warn("refused a session without a kdop client certificate");
            responses.onError(Refusals.refuse(ErrorReason.CERTIFICATE_REQUIRED,
                    "a session needs the client certificate the agent got when it joined"));
            return new DiscardingObserver<>();
        }
        if (refusedAsRetired(peer.get(), responses)) {
            return new DiscardingObserver<>();
        }
        return new AgentSession(peer.get().identity(), peer.get().notAfter(), peer.get().certificate(),
                (ServerCallStreamObserver<HubMessage>) responses, services);
    }

    @Override
    public StreamObserver<TunnelFrame> tunnel(StreamObserver<TunnelFrame> responses) {
        Optional<PeerCertificate> peer = PeerIdentityInterceptor.PEER.get();
        if (peer == null || peer.isEmpty()) {
            LOG.warn("refused a tunnel call without a kdop client certificate");
            responses.onError(Refusals.refuse(ErrorReason.CERTIFICATE_REQUIRED,
                    "a tunnel needs the client certificate the agent got when it joined"));
            return new DiscardingObserver<>();
        }
        if (refusedAsRetired(peer.get(), responses)) {
            return new DiscardingObserver<>();
        }
        return tunnels.answer(peer.get().identity(), (ServerCallStreamObserver<TunnelFrame>) responses);
    }

    /**
     * A certificate of a retired CA completes the handshake only to be refused here, with a reason
     * the agent can act on (join again); nothing is served to it.
     */
    private boolean refusedAsRetired(PeerCertificate peer, StreamObserver<?> responses) {
        if (cas.get().trusts(peer.certificate())) {
            return false;
        }
        LOG.warn("refused {}: its certificate was issued by {}, a CA the hub no longer trusts (retired by a CA "
                + "rotation before the agent renewed); it must join again", peer.identity(),
                peer.certificate().getIssuerX500Principal().getName());
        responses.onError(Refusals.refuse(ErrorReason.CA_RETIRED, "the certificate of " + peer.identity().hostKey()
                + " was issued by " + peer.certificate().getIssuerX500Principal().getName() + ", a CA this hub "
                + "retired in a CA rotation before the agent renewed it; the host must join again with a new token"));
        return true;
    }

    /** Swallows what a refused caller still sends. */
    private static final class DiscardingObserver<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
