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

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
