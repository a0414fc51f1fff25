package io.kdop.agent.tunnel;

import io.grpc.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.ConnectTimeoutException;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kdop.engine.docker.ContainerAddresses;
import io.kdop.proto.tunnel.TransportLoops;
import io.kdop.proto.tunnel.TunnelPipe;
import io.kdop.proto.tunnel.TunnelStats;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.OpenTunnel;
import io.kdop.proto.v1.TunnelFailure;
import io.kdop.proto.v1.TunnelFrame;
import io.kdop.proto.v1.TunnelHello;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of tunnels: for each OpenTunnel the hub sends, connects to the container port
 * (only a port the desired state declares for that workload) and answers with a Tunnel call on
 * the same channel as the session, whose first frame names the request.
 */
public final class TunnelEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelEndpoint.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private final Supplier<Optional<DesiredState>> desired;
    private final ContainerAddresses addresses;
    private final TransportLoops loops;
    private final TunnelStats stats = new TunnelStats();

    /** @param loops the session channel's event loops: container sockets run on them too */
    public TunnelEndpoint(Supplier<Optional<DesiredState>> desired, ContainerAddresses addresses,
            TransportLoops loops) {
        this.desired = desired;
        this.addresses = addresses;
        this.loops = loops;
    }

    /** Bytes and connections carried so far (for metrics). */
    public TunnelStats stats() {
        return stats;
    }

    /** Handles one request off the session's thread: finding the container may ask Docker. */
    public void open(OpenTunnel request, Channel channel) {
        Thread.ofVirtual().name("tunnel-open").start(() -> carry(request, channel));
    }

    private void carry(OpenTunnel request, Channel channel) {
        String target = request.getWorkload().getNamespace() + "/" + request.getWorkload().getName() + ":"
                + request.getPort();
        Optional<ContainerSpec> container = declared(request);
        if (container.isEmpty()) {
            LOG.warn("refused a tunnel to {}: the desired state declares no such port for it", target);
            answer(channel, request, null, TunnelFailure.TUNNEL_NOT_DECLARED, "port " + request.getPort() + " of "
                    + request.getWorkload().getNamespace() + "/" + request.getWorkload().getName()
                    + " is not declared for tunnels on this host");
            return;
        }
        switch (addresses.resolve(container.get(), request.getPort())) {
            case ContainerAddresses.Resolution.Unreachable u ->
                    answer(channel, request, null, TunnelFailure.TUNNEL_UNREACHABLE, u.why());
            case ContainerAddresses.Resolution.Address a -> connect(a.address(), request, channel, target);
        }
    }

    /** Connects on the transport's loop and answers when the container accepted or refused. */
    private void connect(InetSocketAddress address, OpenTunnel request, Channel channel, String target) {
        NioSocketChannel socket = TunnelPipe.socket();
        socket.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        loops.current().register(socket).addListener(registered -> {
            if (!registered.isSuccess()) {
                answer(channel, request, null, TunnelFailure.TUNNEL_UNREACHABLE, "cannot reach " + target + ": "
                        + registered.cause().getMessage());
                return;
            }
            socket.connect(address).addListener(connected -> {
                Throwable e = connected.cause();
                if (e == null) {
                    answer(channel, request, socket, TunnelFailure.TUNNEL_FAILURE_UNSPECIFIED, "");
                    return;
                }
                socket.close();
                if (e instanceof ConnectTimeoutException) {
                    answer(channel, request, null, TunnelFailure.TUNNEL_UNREACHABLE, "cannot reach " + target
                            + ": no answer within " + CONNECT_TIMEOUT_MILLIS / 1000 + "s");
                } else if (e instanceof ConnectException) {
                    answer(channel, request, null, TunnelFailure.TUNNEL_REFUSED,
                            "nothing listens on " + target + " (" + e.getMessage() + ")");
                } else {
                    answer(channel, request, null, TunnelFailure.TUNNEL_UNREACHABLE, "cannot reach " + target + ": "
                            + e.getMessage());
                }
            });
        });
    }

    /** The container the request names, if the desired state declares the port for it. */
    private Optional<ContainerSpec> declared(OpenTunnel request) {
        Optional<DesiredState> state = desired.get();
        String uid = request.getWorkload().getUid();
        boolean allowed = state.map(s -> s.getTunnelTargetsList().stream().anyMatch(
                t -> t.getWorkload().getUid().equals(uid) && t.getPortsList().contains(request.getPort())))
                .orElse(false);
        return allowed ? state.get().getContainersList().stream().filter(c -> c.getWorkload().getUid().equals(uid))
                .findFirst() : Optional.empty();
    }

    /** Opens the Tunnel call: a hello (with the failure, if any), then the pipe when connected. */
    private void answer(Channel channel, OpenTunnel request, NioSocketChannel socket, TunnelFailure failure,
            String error) {
        AtomicReference<TunnelPipe> pipe = new AtomicReference<>();
        ClientCallStreamObserver<TunnelFrame>[] call = new ClientCallStreamObserver[1];
        // callbacks on the transport's thread (they only hand a frame over or wake the pipe): one
        // thread hop less per frame; several frames may wait in the call's outbound buffer
        AgentServiceGrpc.newStub(channel).withExecutor(Runnable::run)
                .withOnReadyThreshold(TunnelPipe.ON_READY_THRESHOLD).tunnel(new ClientResponseObserver<TunnelFrame, TunnelFrame>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<TunnelFrame> requests) {
                call[0] = requests;
                requests.disableAutoRequestWithInitial(0);
                requests.setOnReadyHandler(() -> {
                    TunnelPipe p = pipe.get();
                    if (p != null) {
                        p.onReady();
                    }
                });
            }

            @Override
            public void onNext(TunnelFrame frame) {
                TunnelPipe p = pipe.get();
                if (p != null) {
                    p.onNext(frame);
                }
            }

            @Override
            public void onError(Throwable t) {
                TunnelPipe p = pipe.get();
                if (p != null) {
                    p.onError(t);
                } else if (socket != null) {
                    socket.close(); // the call failed before the pipe started: the container's peer goes away
                }
                LOG.debug("tunnel {} ended: {}", request.getTunnelId().substring(0, 6), t.toString());
            }

            @Override
            public void onCompleted() {
                TunnelPipe p = pipe.get();
                if (p != null) {
                    p.onCompleted();
                }
            }
        });
        TunnelHello.Builder hello = TunnelHello.newBuilder().setTunnelId(request.getTunnelId());
        if (socket == null) {
            LOG.info("tunnel to {}/{}:{} failed: {}", request.getWorkload().getNamespace(),
                    request.getWorkload().getName(), request.getPort(), error);
            call[0].onNext(TunnelFrame.newBuilder().setHello(hello.setError(error).setFailure(failure)).build());
            call[0].onCompleted();
            return;
        }
        call[0].onNext(TunnelFrame.newBuilder().setHello(hello).build());
        TunnelPipe started = new TunnelPipe(request.getTunnelId().substring(0, 6), socket, call[0], stats, () -> {});
        started.start();
        pipe.set(started);
    }
}
