package io.kdop.hub.tunnel;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.session.AgentSession;
import io.kdop.hub.session.PeerText;
import io.kdop.proto.Refusals;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.kdop.proto.tunnel.TransportLoops;
import io.kdop.proto.tunnel.TunnelPipe;
import io.kdop.proto.tunnel.TunnelStats;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.OpenTunnel;
import io.kdop.proto.v1.TunnelFrame;
import io.kdop.proto.v1.TunnelHello;
import io.kdop.proto.v1.WorkloadRef;
import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a client connection into a tunnel: asks the host's agent over its session, waits (a few
 * seconds at most) for the agent's Tunnel call naming the request, and joins the two. A call is
 * accepted only from the host that was asked and only once; everything else is refused.
 */
public final class TunnelBroker {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelBroker.class);
    /** How long a client connection waits for its agent's call before it is reset. */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
    /** Connections of one host waiting for its agent at most: beyond, new ones are reset (a flood stays bounded). */
    static final int MAX_PENDING_PER_HOST = 512;

    private record Pending(String hostKey, String target, SocketChannel client, ScheduledFuture<?> expiry) {}

    private final Function<String, Optional<AgentSession>> sessions;
    private final DirectRoutes direct;
    private final TransportLoops loops;
    private final ScheduledExecutorService timer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final TunnelStats stats = new TunnelStats();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param direct carries connections to hosts the hub reaches itself (direct hosts)
     * @param loops the gRPC server's event loops: a client connection joins its agent call's loop
     */
    public TunnelBroker(Function<String, Optional<AgentSession>> sessions, DirectRoutes direct, TransportLoops loops,
            ScheduledExecutorService timer) {
        this.sessions = sessions;
        this.direct = direct;
        this.loops = loops;
        this.timer = timer;
    }

    /** Bytes and connections carried so far (for metrics). */
    public TunnelStats stats() {
        return stats;
    }

    /** Carries the client's connection to the workload's port on its host, or resets it at once. */
    public void open(String hostKey, WorkloadRef workload, int port, SocketChannel client) {
        if (direct.carry(hostKey, workload, port, client)) {
            return;
        }
        String target = workload.getNamespace() + "/" + workload.getName() + ":" + port;
        Optional<AgentSession> session = sessions.apply(hostKey);
        if (session.isEmpty()) {
            LOG.debug("tunnel to {} refused: DockerHost {} is not connected", target, hostKey);
            reset(client);
            return;
        }
        if (pending.values().stream().filter(p -> p.hostKey().equals(hostKey)).count() >= MAX_PENDING_PER_HOST) {
            LOG.warn("tunnel to {} refused: {} connections already wait for DockerHost {}'s agent", target,
                    MAX_PENDING_PER_HOST, hostKey);
            reset(client);
            return;
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(id, new Pending(hostKey, target, client,
                timer.schedule(() -> expire(id), OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)));
        session.get().openTunnel(OpenTunnel.newBuilder().setTunnelId(id).setWorkload(workload).setPort(port).build());
    }

    /**
     * The agent's side of a tunnel: its first frame names the request. The call must have manual
     * inbound flow control off (this sets it) and is answered by this observer.
     */
    public StreamObserver<TunnelFrame> answer(AgentIdentity caller, ServerCallStreamObserver<TunnelFrame> call) {
        call.disableAutoRequest();
        call.setOnReadyThreshold(TunnelPipe.ON_READY_THRESHOLD);
        Optional<EventLoop> loop = ConnectionLoops.CALL_LOOP.get();
        AgentCall answer = new AgentCall(caller, call, loop != null && loop.isPresent() ? loop.get() : null);
        call.setOnReadyHandler(answer::onReady);
        call.setOnCancelHandler(answer::cancelled);
        call.request(1); // the hello
        return answer;
    }

    /** Resets every connection still waiting for its agent (the hub stops). */
    public void close() {
        pending.keySet().forEach(id -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.expiry().cancel(false);
                reset(p.client());
            }
        });
    }

    private void expire(String id) {
        Pending p = pending.remove(id);
        if (p != null) {
            LOG.info("tunnel to {} on DockerHost {}: the agent did not answer within {}s; connection reset",
                    p.target(), p.hostKey(), OPEN_TIMEOUT.toSeconds());
            reset(p.client());
        }
    }

    /** Resets a client connection (SO_LINGER 0), so the client learns at once that nobody serves it. */
    public static void reset(SocketChannel client) {
        reset(client.socket());
    }

    /** Resets a client connection (SO_LINGER 0), so the client learns at once that nobody serves it. */
    private static void reset(Socket client) {
        try {
            client.setSoLinger(true, 0);
            client.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    /** One Tunnel call from an agent: a hello, then the pipe's frames. */
    private final class AgentCall implements StreamObserver<TunnelFrame> {

        private final AgentIdentity caller;
        private final ServerCallStreamObserver<TunnelFrame> call;
        /** The loop of the agent's connection, if the server told it (ConnectionLoops). */
        private final EventLoop connectionLoop;
        private volatile TunnelPipe pipe;
        private volatile boolean refused;

        AgentCall(AgentIdentity caller, ServerCallStreamObserver<TunnelFrame> call, EventLoop connectionLoop) {
            this.caller = caller;
            this.call = call;
            this.connectionLoop = connectionLoop;
        }

        void onReady() {
            TunnelPipe p = pipe;
            if (p != null) {
                p.onReady();
            }
        }

        void cancelled() {
            TunnelPipe p = pipe;
            if (p != null) {
                p.onError(new IllegalStateException("the agent cancelled the tunnel"));
            }
        }

        @Override
        public void onNext(TunnelFrame frame) {
            TunnelPipe p = pipe;
            if (p != null) {
                p.onNext(frame);
            } else if (!refused) {
                hello(frame);
            }
        }

        private void hello(TunnelFrame frame) {
            if (!frame.hasHello()) {
                refuse(ErrorReason.PROTOCOL_VIOLATION, "a tunnel call starts with a hello");
                return;
            }
            TunnelHello hello = frame.getHello();
            // Only the host that was asked may answer, once; another host's request stays pending for it.
            Pending[] taken = new Pending[1];
            pending.computeIfPresent(hello.getTunnelId(), (id, found) -> {
                if (found.hostKey().equals(caller.hostKey())) {
                    taken[0] = found;
                    return null;
                }
                return found;
            });
            Pending request = taken[0];
            if (request == null) {
                LOG.warn("refused a tunnel call from DockerHost {}: no open request of this host has its id",
                        caller.hostKey());
                refuse(ErrorReason.TUNNEL_UNKNOWN, "no open tunnel request of this host has this id");
                return;
            }
            request.expiry().cancel(false);
            if (!hello.getError().isEmpty()) {
                LOG.info("tunnel to {} on DockerHost {} failed: {} ({}); connection reset", request.target(),
                        request.hostKey(), PeerText.forLog(hello.getError()), hello.getFailure());
                reset(request.client());
                refused = true;
                call.onCompleted();
                return;
            }
            // the client's socket joins the loop of the agent's connection: no thread hop per frame
            NioSocketChannel client = TunnelPipe.socket(request.client());
            (connectionLoop != null ? connectionLoop : loops.current()).register(client);
            TunnelPipe started = new TunnelPipe(hello.getTunnelId().substring(0, 6), client, call, stats,
                    () -> LOG.debug("tunnel to {} on DockerHost {} closed", request.target(), request.hostKey()));
            started.start();
            pipe = started;
        }

        private void refuse(ErrorReason reason, String message) {
            refused = true;
            call.onError(Refusals.refuse(reason, message));
        }

        @Override
        public void onError(Throwable t) {
            TunnelPipe p = pipe;
            if (p != null) {
                p.onError(t);
            }
        }

        @Override
        public void onCompleted() {
            TunnelPipe p = pipe;
            if (p != null) {
                p.onCompleted();
            } else if (!refused) {
                call.onCompleted();
            }
        }
    }
}
