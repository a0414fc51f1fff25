package io.kdop.hub.server;

import io.kdop.hub.pki.AgentIdentity;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The client certificate of a call, verified by the handshake: whose it is, until when it is
 * valid, and the certificate itself (whose CA a rotation may have retired since).
 */
public record PeerCertificate(AgentIdentity identity, Instant notAfter, X509Certificate certificate) {}
