package io.kdop.e2e.support;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HubMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A hand-made session client for the security tests: it opens a session with whatever
 * credentials and hello the test gives it, and reports how the hub answered.
 */
public final class SessionClient {

    private SessionClient() {}

    /** How the hub answered a hello: with a welcome, or with an error status. */
    public record Answer(boolean welcomed, Status status, Throwable error) {}

    public static ChannelCredentials credentials(String caPem, String certPem, String keyPem) throws IOException {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(stream(caPem));
        if (certPem != null) {
            builder.keyManager(stream(certPem), stream(keyPem));
        }
        return builder.build();
    }

    /**
     * Credentials that present the certificate even when the hub's CertificateRequest lists other
     * CAs (a normal TLS client then sends none): how an attacker with a foreign certificate behaves.
     */
    public static ChannelCredentials forcingCertificate(String caPem, java.security.cert.X509Certificate cert,
            java.security.PrivateKey key) throws Exception {
        javax.net.ssl.X509ExtendedKeyManager always = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"forced"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
                return "forced";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                    javax.net.ssl.SSLEngine engine) {
                return "forced";
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
                return null;
            }

            @Override
            public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                return new java.security.cert.X509Certificate[] {cert};
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return key;
            }
        };
        return TlsChannelCredentials.newBuilder().trustManager(stream(caPem)).keyManager(always).build();
    }

    public static Answer hello(int port, ChannelCredentials credentials, HostIdentity claimed) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        try {
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel).session(new StreamObserver<>() {
                @Override
                public void onNext(HubMessage message) {
                    if (message.hasWelcome()) {
                        answer.complete(new Answer(true, Status.OK, null));
                    }
                }

                @Override
                public void onError(Throwable t) {
                    answer.complete(new Answer(false, Status.fromThrowable(t), t));
                }

                @Override
                public void onCompleted() {
                    answer.complete(new Answer(false, Status.OK, null));
                }
            });
            requests.onNext(AgentMessage.newBuilder().setHello(AgentHello.newBuilder()
                    .setHost(claimed).setAgentVersion("test-client")).build());
            Answer result = answer.get(30, TimeUnit.SECONDS);
            try {
                requests.onCompleted();
            } catch (IllegalStateException | StatusRuntimeException ignored) {
                // the call may already be closed by the hub's refusal
            }
            return result;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A hand-made session that stays open and collects what the hub sends (an agent that does nothing). */
    public record OpenSession(ManagedChannel channel, java.util.concurrent.BlockingQueue<HubMessage> received)
            implements AutoCloseable {
        /** The next message of the kind, waiting at most the timeout. */
        public HubMessage next(java.util.function.Predicate<HubMessage> kind, java.time.Duration timeout)
                throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            for (HubMessage m; (m = received.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
                if (kind.test(m)) {
                    return m;
                }
            }
            throw new AssertionError("no such message from the hub within " + timeout);
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public static OpenSession open(int port, ChannelCredentials credentials, HostIdentity identity) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        java.util.concurrent.BlockingQueue<HubMessage> received = new java.util.concurrent.LinkedBlockingQueue<>();
        StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel).session(new StreamObserver<>() {
            @Override
            public void onNext(HubMessage message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        requests.onNext(AgentMessage.newBuilder().setHello(AgentHello.newBuilder().setHost(identity)
                .setAgentVersion("test-client")).build());
        return new OpenSession(channel, received);
    }

    /**
     * Opens a Tunnel call whose hello names the id, and reports how the hub answered within a few
     * seconds: a refusal's status, or OK when it accepted the call and kept it open.
     */
    public static Status tunnel(int port, ChannelCredentials credentials, String tunnelId) throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        try {
            CompletableFuture<Status> answer = new CompletableFuture<>();
            StreamObserver<io.kdop.proto.v1.TunnelFrame> frames = AgentServiceGrpc.newStub(channel).tunnel(
                    new StreamObserver<>() {
                        @Override
                        public void onNext(io.kdop.proto.v1.TunnelFrame frame) {}

                        @Override
                        public void onError(Throwable t) {
                            answer.complete(Status.fromThrowable(t).withCause(t));
                        }

                        @Override
                        public void onCompleted() {
                            answer.complete(Status.OK.withDescription("completed"));
                        }
                    });
            frames.onNext(io.kdop.proto.v1.TunnelFrame.newBuilder().setHello(
                    io.kdop.proto.v1.TunnelHello.newBuilder().setTunnelId(tunnelId)).build());
            try {
                return answer.get(3, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException open) {
                return Status.OK; // accepted: the hub keeps the call open for the connection's bytes
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
