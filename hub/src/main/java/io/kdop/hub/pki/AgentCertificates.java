package io.kdop.hub.pki;

import io.kdop.proto.CaPin;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Issues agents' client certificates with the configured lifetime, signed by the hub's signing CA. */
public final class AgentCertificates {

    private final Supplier<CaSet> cas;
    private final Duration lifetime;

    /** @param cas the hub's CAs now (a CA rotation replaces them) */
    public AgentCertificates(Supplier<CaSet> cas, Duration lifetime) {
        this.cas = cas;
        this.lifetime = lifetime;
    }

    /** Certificates of one CA that never rotates. */
    public AgentCertificates(CertificateAuthority ca, Duration lifetime) {
        this(new HubCas(CaSet.of(ca)), lifetime);
    }

    /**
     * The SHA-256 of the public key a CSR asks to certify (the same SubjectPublicKeyInfo hash as a
     * CA pin); throws IllegalArgumentException for a bad CSR.
     */
    public String requestedKeyHash(byte[] csrDer) {
        return CaPin.of(CertificateAuthority.requestedKey(csrDer)).hex();
    }

    /** How long issued certificates are valid. */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * A certificate for the identity signed by the signing CA, with the bundle of every CA the
     * agent should trust (both CAs during a rotation); throws IllegalArgumentException for a bad CSR.
     */
    public Issued issue(byte[] csrDer, AgentIdentity identity) {
        CaSet now = cas.get(); // one set for certificate and bundle: the bundle always holds the signer
        X509Certificate certificate = now.signing().signAgentCertificate(csrDer, identity, lifetime);
        return new Issued(Pem.encode(certificate), now.bundlePem(), certificate.getNotAfter().toInstant(), now.pin());
    }

    /** The hub's CAs now. */
    public CaSet authorities() {
        return cas.get();
    }

    /** A certificate ready to send, with the CA bundle the agent should trust and the pin of the CA that signed it. */
    public record Issued(String certificatePem, String caBundlePem, Instant notAfter, CaPin signedBy) {}
}
