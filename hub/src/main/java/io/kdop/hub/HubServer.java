package io.kdop.hub;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.server.AgentServiceImpl;
import io.kdop.hub.server.PeerIdentityInterceptor;
import io.kdop.proto.v1.AgentServiceGrpc;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The hub's single TLS port. Client certificates are optional at the TLS layer (a joining agent
 * has none yet) but must chain to the hub's CA when present; the session call requires one.
 */
final class HubServer {

    private static final Executor DIRECT = Runnable::run;
    /** Threads for every call but tunnels; they block on Kubernetes reads now and then. */
    private static final int CALL_THREADS = 16;
    static final int MAX_CALLS_PER_CONNECTION = 1024;

    private final Server server;
    private final ExecutorService callExecutor = Executors.newFixedThreadPool(CALL_THREADS,
            Thread.ofPlatform().name("kdop-grpc-", 0).daemon().factory());
    private volatile boolean started;

    HubServer(int port, CertificateAuthority ca, List<String> sans, AgentServiceImpl service) {
        CertificateAuthority.IssuedCertificate serving = ca.issueServerCertificate(sans, Duration.ofDays(365));
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("hub", serving.key(), password,
                    new Certificate[] {serving.certificate(), ca.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("kdop-ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.newBuilder()
                    .keyManager(kmf.getKeyManagers())
                    .trustManager(tmf.getTrustManagers())
                    .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                    .build();
            // Netty's builder: the generic one cannot bound calls per connection.
            this.server = NettyServerBuilder.forPort(port, credentials)
                    .addService(ServerInterceptors.intercept(service, new PeerIdentityInterceptor()))
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
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the hub's TLS", e);
        }
    }

    /**
     * A tunnel's callbacks only hand a frame to its pipe or wake it: on the transport's own thread
     * they save a thread hop per frame each way (round-trip latency). Every other call runs on the
     * server's executor (null), since it may read from Kubernetes.
     */
    private static <Q, R> Executor executorFor(ServerCall<Q, R> call, Metadata headers) {
        return AgentServiceGrpc.getTunnelMethod().getFullMethodName()
                .equals(call.getMethodDescriptor().getFullMethodName()) ? DIRECT : null;
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
