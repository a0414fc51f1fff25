package io.kdop.agent.identity;

import io.kdop.proto.v1.HostIdentity;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the agent is after joining: which hub, which DockerHost, the token id it joined with, its
 * private key, its client certificate and the CA certificates it trusts.
 */
public record StoredIdentity(
        String hub,
        HostIdentity host,
        String tokenId,
        PrivateKey key,
        X509Certificate certificate,
        List<X509Certificate> caCertificates) {

    public StoredIdentity {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        caCertificates = List.copyOf(caCertificates);
        if (caCertificates.isEmpty()) {
            throw new IllegalArgumentException("at least one CA certificate is needed");
        }
    }

    public StoredIdentity withHub(String newHub) {
        return new StoredIdentity(newHub, host, tokenId, key, certificate, caCertificates);
    }

    /** The same host with a renewed key and certificate (and possibly a new CA bundle). */
    public StoredIdentity renewed(PrivateKey newKey, X509Certificate newCertificate, List<X509Certificate> newCas) {
        return new StoredIdentity(hub, host, tokenId, newKey, newCertificate, newCas.isEmpty() ? caCertificates : newCas);
    }

    /** The same key and certificate, trusting these CAs from now on (a CA rotation). */
    public StoredIdentity withTrust(List<X509Certificate> newCas) {
        return new StoredIdentity(hub, host, tokenId, key, certificate, newCas);
    }

    /** "namespace/name", for messages. */
    public String hostName() {
        return host.getNamespace() + "/" + host.getName();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "StoredIdentity[hub=" + hub + ", host=" + hostName() + ", uid=" + host.getUid()
                + ", tokenId=" + tokenId + ", serial=" + certificate.getSerialNumber().toString(16)
                + ", notAfter=" + certificate.getNotAfter().toInstant() + "]";
    }
}
