package io.kdop.hub.pki;

import io.kdop.proto.v1.HostIdentity;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DockerHost an agent certificate names: namespace, name, UID and join generation. Carried
 * as a SAN URI {@code urn:kdop:dockerhost:<namespace>:<name>:<uid>:<generation>}. The UID makes
 * a recreated host a new identity; the generation (the id of the token the agent joined with)
 * makes a re-join supersede the previous agent, so two machines never share one identity.
 */
public record AgentIdentity(String namespace, String name, String uid, String generation) {

    private static final String PREFIX = "urn:kdop:dockerhost:";
    // Kubernetes names and namespaces cannot contain ':' so the split is unambiguous.
    private static final Pattern URN = Pattern.compile(
            "urn:kdop:dockerhost:([a-z0-9.-]+):([a-z0-9.-]+):([A-Za-z0-9-]+):([a-z0-9]+)");
    private static final int SAN_URI = 6;

    public String toUri() {
        return PREFIX + namespace + ":" + name + ":" + uid + ":" + generation;
    }

    /** namespace/name, how people and log lines refer to the host. */
    public String hostKey() {
        return namespace + "/" + name;
    }

    public HostIdentity toProto() {
        return HostIdentity.newBuilder().setNamespace(namespace).setName(name).setUid(uid).build();
    }

    public boolean sameAs(HostIdentity claimed) {
        return namespace.equals(claimed.getNamespace()) && name.equals(claimed.getName()) && uid.equals(claimed.getUid());
    }

    public static Optional<AgentIdentity> fromUri(String uri) {
        Matcher m = URN.matcher(uri);
        return m.matches() ? Optional.of(new AgentIdentity(m.group(1), m.group(2), m.group(3), m.group(4)))
                : Optional.empty();
    }

    /** The identity in a client certificate's SAN, if it carries exactly one. */
    public static Optional<AgentIdentity> fromCertificate(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null) {
                return Optional.empty();
            }
            List<AgentIdentity> found = sans.stream()
                    .filter(san -> san.size() == 2 && Integer.valueOf(SAN_URI).equals(san.get(0)))
                    .map(san -> fromUri(String.valueOf(san.get(1))))
                    .flatMap(Optional::stream)
                    .toList();
            return found.size() == 1 ? Optional.of(found.getFirst()) : Optional.empty();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return hostKey() + " (uid " + uid + ", generation " + generation + ")";
    }
}
