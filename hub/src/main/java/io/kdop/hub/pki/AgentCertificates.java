package io.kdop.hub.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/** Issues agents' client certificates with the configured lifetime. */
public final class AgentCertificates {

    private final CertificateAuthority ca;
    private final Duration lifetime;

    public AgentCertificates(CertificateAuthority ca, Duration lifetime) {
        this.ca = ca;
        this.lifetime = lifetime;
    }

    /**
     * The SHA-256 of the public key a CSR asks to certify (the same SubjectPublicKeyInfo hash as a
     * CA pin); throws IllegalArgumentException for a bad CSR.
     */
    public String requestedKeyHash(byte[] csrDer) {
        return io.kdop.proto.CaPin.of(CertificateAuthority.requestedKey(csrDer)).hex();
    }

    /** How long issued certificates are valid. */
    public Duration lifetime() {
        return lifetime;
    }

    /** A signed certificate for the identity; throws IllegalArgumentException for a bad CSR. */
    public Issued issue(byte[] csrDer, AgentIdentity identity) {
        X509Certificate certificate = ca.signAgentCertificate(csrDer, identity, lifetime);
        return new Issued(Pem.encode(certificate), ca.certificatePem(), certificate.getNotAfter().toInstant());
    }

    /** A certificate ready to send, with the CA bundle the agent should trust. */
    public record Issued(String certificatePem, String caBundlePem, Instant notAfter) {}
}
