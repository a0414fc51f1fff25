package io.kdop.hub.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.kdop.hub.pki.AgentIdentity;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads the agent identity from the TLS client certificate (already verified against the hub's CAs
 * by the handshake, retired ones included) and hands it to the call. Calls without one get an empty identity; it is up
 * to each method to require it.
 */
public final class PeerIdentityInterceptor implements ServerInterceptor {

    public static final Context.Key<Optional<PeerCertificate>> PEER = Context.key("kdop-peer-certificate");
    /** The peer's IP address (without port), for per-peer limits; "unknown" if the transport has none. */
    public static final Context.Key<String> PEER_ADDRESS = Context.key("kdop-peer-address");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Optional<PeerCertificate> identity = identityOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String address = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "unknown";
        return Contexts.interceptCall(Context.current().withValue(PEER, identity).withValue(PEER_ADDRESS, address),
                call, headers, next);
    }

    public static Optional<PeerCertificate> identityOf(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    ? AgentIdentity.fromCertificate(leaf)
                            .map(id -> new PeerCertificate(id, leaf.getNotAfter().toInstant(), leaf))
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}
