package io.kdop.hub;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.kdop.hub.pki.ServingTls;
import io.kdop.hub.server.AgentServiceImpl;
import io.kdop.hub.server.JoinMessageLimit;
import io.kdop.hub.server.PeerIdentityInterceptor;
import io.kdop.hub.tunnel.ConnectionLoops;
import io.kdop.proto.tunnel.TransportLoops;
import io.kdop.proto.v1.AgentServiceGrpc;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The hub's single TLS port. Client certificates are optional at the TLS layer (a joining agent
 * has none yet) but must chain to one of the hub's CAs when present; the session call requires
 * one. Certificate and trusted CAs come from {@link ServingTls}, which replaces them while the
 * port serves.
 */
final class HubServer {

    private static final Executor DIRECT = Runnable::run;
    /** Threads for every call but tunnels and joins; they block on Kubernetes reads now and then. */
    private static final int CALL_THREADS = 16;
    static final int MAX_CALLS_PER_CONNECTION = 1024;

    private final Server server;
    private final ExecutorService callExecutor = Executors.newFixedThreadPool(CALL_THREADS,
            Thread.ofPlatform().name("kdop-grpc-", 0).daemon().factory());
    private volatile boolean started;

    /** @param tls the serving certificate and trusted CAs, replaced while the server runs (CA rotation) */
    /** @param loops the transport's threads, shared with the tunnels' client sockets (owned by the caller) */
    HubServer(int port, ServingTls tls, TransportLoops loops, AgentServiceImpl service) {
        ConnectionLoops connectionLoops = new ConnectionLoops(loops);
        try {
            TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.newBuilder()
                    .keyManager(tls.keyManager())
                    .trustManager(tls.trustManager())
                    .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                    .build();
            // Netty's builder: the generic one cannot bound calls per connection.
            this.server = NettyServerBuilder.forPort(port, credentials)
                    .bossEventLoopGroup(loops.group())
                    .workerEventLoopGroup(loops.group())
                    .channelType(NioServerSocketChannel.class)
                    .addService(ServerInterceptors.intercept(JoinMessageLimit.apply(service.bindService()),
                            new PeerIdentityInterceptor(), connectionLoops))
                    .addTransportFilter(connectionLoops)
                    .callExecutor(HubServer::executorFor)
                    // Bounded: a flood of calls queues instead of starting a thread each.
                    .executor(callExecutor)
                    // An agent's calls: its session and its open tunnels (each connection a call).
                    .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                    // A connection with no call (a join that is done, a scanner) is closed.
                    .maxConnectionIdle(5, TimeUnit.MINUTES)
                    .handshakeTimeout(10, TimeUnit.SECONDS)
                    // Dead agents (power cut, NAT timeout) are noticed without waiting for TCP.
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS)
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .build();
        } catch (IllegalArgumentException e) {
            // the transport refuses credentials it cannot use
            throw new IllegalStateException("cannot set up the hub's TLS", e);
        }
    }

    /**
     * A tunnel's callbacks only hand a frame to its pipe or wake it: on the transport's own thread
     * they save a thread hop per frame each way (round-trip latency). A join's handler only checks
     * its address's allowance and queues the join for the join workers: on the transport's thread
     * it never waits behind sessions' hellos for a call thread (which made joins pass their
     * deadline in a storm). Every other call runs on the server's executor (null), since it may
     * read from Kubernetes.
     */
    private static <Q, R> Executor executorFor(ServerCall<Q, R> call, Metadata headers) {
        String method = call.getMethodDescriptor().getFullMethodName();
        return AgentServiceGrpc.getTunnelMethod().getFullMethodName().equals(method)
                || AgentServiceGrpc.getJoinMethod().getFullMethodName().equals(method) ? DIRECT : null;
    }

    void start() throws IOException {
        server.start();
        started = true;
    }

    int port() {
        return server.getPort();
    }

    /** Started and not shut down: agents can connect. */
    boolean serving() {
        return started && !server.isShutdown();
    }

    void stop() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
        callExecutor.shutdownNow();
    }
}
