package io.kdop.agent.session;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kdop.agent.identity.KeyAndCsr;
import io.kdop.agent.identity.Pem;
import io.kdop.agent.identity.PinnedCaTrustManager;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.identity.TlsCredentials;
import io.kdop.agent.identity.TrustBundles;
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
 * One join run against one hub with one token. The key pair and CSR are made once and every
 * attempt sends the same request: when a Join response is lost on a flaky link, the retry is the
 * same token with the same public key, which the hub answers with a certificate again instead of
 * TOKEN_USED. A connection trusts the hub only through the token's CA pin; each attempt makes a
 * new one, except after the hub answered "busy" (RESOURCE_EXHAUSTED): that connection, its pin
 * check passed, carries the next attempt, so a fleet told to come back does not cost the hub a TLS
 * handshake per retry.
 */
final class Joiner {

    private final HubAddress hub;
    private final JoinToken token;
    private final String agentVersion;
    private final KeyAndCsr keyAndCsr;
    private volatile ManagedChannel channel;
    private volatile PinnedCaTrustManager lastTrust;
    private volatile boolean cancelled;

    Joiner(HubAddress hub, JoinToken token, String agentVersion) {
        this(hub, token, agentVersion, KeyAndCsr.generate());
    }

    Joiner(HubAddress hub, JoinToken token, String agentVersion, KeyAndCsr keyAndCsr) {
        this.hub = hub;
        this.token = token;
        this.agentVersion = agentVersion;
        this.keyAndCsr = keyAndCsr;
    }

    /**
     * One attempt.
     *
     * @throws io.grpc.StatusRuntimeException when the call fails; see {@link #untrustedHub()}
     * @throws AgentExit when the hub answered something unusable or untrustworthy
     */
    StoredIdentity attempt() throws AgentExit {
        ManagedChannel c = channel;
        if (c == null) {
            PinnedCaTrustManager trust = new PinnedCaTrustManager(token.caPin()); // fresh: no verdict of an earlier try
            lastTrust = trust;
            c = Grpc.newChannelBuilderForAddress(hub.host(), hub.port(), TlsCredentials.forJoin(trust))
                    .userAgent("kdop-edge-agent/" + agentVersion)
                    .build();
            channel = c;
        }
        if (cancelled) {
            c.shutdownNow(); // cancel() ran before it could see this channel: the call fails at once
        }
        boolean keep = false;
        try {
            // the secret goes into a request that grpc sends only once the handshake, and with it
            // the pin check, has succeeded
            JoinResponse response = AgentServiceGrpc.newBlockingStub(c)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .join(JoinRequest.newBuilder()
                            .setTokenId(token.tokenId())
                            .setTokenSecret(token.secret())
                            .setCsrDer(ByteString.copyFrom(keyAndCsr.csrDer()))
                            .setAgentVersion(agentVersion)
                            .build());
            return identityFrom(response);
        } catch (StatusRuntimeException e) {
            keep = e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED && !cancelled;
            throw e;
        } finally {
            if (!keep) {
                c.shutdownNow();
                channel = null;
            }
        }
    }

    /** Closes a connection kept for the next attempt (the run ends without one). */
    void close() {
        ManagedChannel c = channel;
        channel = null;
        if (c != null) {
            c.shutdownNow();
        }
    }

    /** Why the last attempt's handshake refused the hub, as the exit retrying cannot fix. */
    Optional<AgentExit> untrustedHub() {
        PinnedCaTrustManager trust = lastTrust;
        return trust == null ? Optional.empty()
                : trust.rejection().map(r -> new AgentExit(AgentExit.CA_MISMATCH, r.message(hub.host())));
    }

    /** Aborts the attempt in flight and any later one (agent stopping). */
    void cancel() {
        cancelled = true;
        ManagedChannel c = channel;
        if (c != null) {
            c.shutdownNow();
        }
    }

    private StoredIdentity identityFrom(JoinResponse response) throws AgentExit {
        X509Certificate certificate;
        List<X509Certificate> cas;
        try {
            certificate = Pem.parseCertificates(response.getCertificatePem()).getFirst();
            cas = Pem.parseCertificates(response.getCaBundlePem());
        } catch (CertificateException e) {
            throw new AgentExit(AgentExit.FATAL, "the hub's join response holds no usable certificate: " + e.getMessage());
        }
        if (!certificate.getPublicKey().equals(keyAndCsr.keyPair().getPublic())) {
            throw new AgentExit(AgentExit.FATAL, "the hub returned a certificate for another key than the agent's CSR");
        }
        if (response.getHost().getUid().isEmpty() || response.getHost().getName().isEmpty()) {
            throw new AgentExit(AgentExit.FATAL, "the hub's join response names no DockerHost");
        }
        try {
            // the bundle becomes the session's trust anchors: it must stay within what the pin vouched for
            TrustBundles.checkJoinBundle(cas, token.caPin(), certificate);
        } catch (CertificateException e) {
            throw new AgentExit(AgentExit.CA_MISMATCH, e.getMessage() + "; not storing this identity");
        }
        return new StoredIdentity(hub.toString(), response.getHost(), token.tokenId(),
                keyAndCsr.keyPair().getPrivate(), certificate, cas);
    }
}
