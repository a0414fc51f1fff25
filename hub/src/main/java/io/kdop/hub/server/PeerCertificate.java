package io.kdop.hub.server;

import io.kdop.hub.pki.AgentIdentity;
import java.time.Instant;

/** The verified client certificate of a call: whose it is and until when it is valid. */
public record PeerCertificate(AgentIdentity identity, Instant notAfter) {}
