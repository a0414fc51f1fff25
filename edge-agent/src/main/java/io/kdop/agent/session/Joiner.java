package io.kdop.agent.session;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.kdop.agent.identity.KeyAndCsr;
import io.kdop.agent.identity.Pem;
import io.kdop.agent.identity.PinnedCaTrustManager;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.identity.TlsCredentials;
import io.kdop.proto.JoinToken;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One join attempt: a TLS connection that trusts the hub only through the token's CA pin, then a
 * Join call carrying the token secret and a CSR for a freshly generated key.
 */
final class Joiner {

    private final HubAddress hub;
    private final JoinToken token;
    private final String agentVersion;
    private final PinnedCaTrustManager trustManager;
    private volatile ManagedChannel channel;

    Joiner(HubAddress hub, JoinToken token, String agentVersion) {
        this.hub = hub;
        this.token = token;
        this.agentVersion = agentVersion;
        this.trustManager = new PinnedCaTrustManager(token.caPin());
    }

    /**
     * @throws io.grpc.StatusRuntimeException when the call fails; see {@link #pinMismatch()}
     * @throws AgentExit when the hub answered something unusable
     */
    StoredIdentity join() throws AgentExit {
        KeyAndCsr keyAndCsr = KeyAndCsr.generate();
        channel = Grpc.newChannelBuilderForAddress(hub.host(), hub.port(), TlsCredentials.forJoin(trustManager))
                .userAgent("kdop-edge-agent/" + agentVersion)
                .build();
        try {
            // the secret goes into a request that grpc sends only once the handshake, and with it
            // the pin check, has succeeded
            JoinResponse response = AgentServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .join(JoinRequest.newBuilder()
                            .setTokenId(token.tokenId())
                            .setTokenSecret(token.secret())
                            .setCsrDer(com.google.protobuf.ByteString.copyFrom(keyAndCsr.csrDer()))
                            .setAgentVersion(agentVersion)
                            .build());
            return identityFrom(response, keyAndCsr);
        } finally {
            cancel();
        }
    }

    /** The CA hash the hub presented instead of the pinned one, if that is why the join failed. */
    Optional<String> pinMismatch() {
        return trustManager.mismatch().map(presented ->
                "the hub's CA " + presented + " does not match the pinned " + token.caPin()
                        + "; refusing to send the join token");
    }

    /** Aborts a join in flight (agent stopping). */
    void cancel() {
        ManagedChannel c = channel;
        if (c != null) {
            c.shutdownNow();
        }
    }

    private StoredIdentity identityFrom(JoinResponse response, KeyAndCsr keyAndCsr) throws AgentExit {
        try {
            X509Certificate certificate = Pem.parseCertificates(response.getCertificatePem()).getFirst();
            List<X509Certificate> cas = Pem.parseCertificates(response.getCaBundlePem());
            if (!certificate.getPublicKey().equals(keyAndCsr.keyPair().getPublic())) {
                throw new AgentExit(AgentExit.FATAL, "the hub returned a certificate for another key than the agent's CSR");
            }
            if (response.getHost().getUid().isEmpty() || response.getHost().getName().isEmpty()) {
                throw new AgentExit(AgentExit.FATAL, "the hub's join response names no DockerHost");
            }
            return new StoredIdentity(hub.toString(), response.getHost(), token.tokenId(),
                    keyAndCsr.keyPair().getPrivate(), certificate, cas);
        } catch (CertificateException e) {
            throw new AgentExit(AgentExit.FATAL, "the hub's join response holds no usable certificate: " + e.getMessage());
        }
    }
}
