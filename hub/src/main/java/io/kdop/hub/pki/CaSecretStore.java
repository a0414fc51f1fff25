package io.kdop.hub.pki;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hub's CAs in a Secret so every hub start (and every replica) uses the same CAs, which
 * is what joined agents pinned, and carries out the CA rotation steps a user asks for on that
 * Secret ({@link CaRotation}). Every write is a compare-and-set on the Secret's resourceVersion,
 * so two replicas never both carry out a step.
 */
public final class CaSecretStore {

    private static final Logger LOG = LoggerFactory.getLogger(CaSecretStore.class);
    private static final int CONFLICT = 409;
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final DateTimeFormatter CA_NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final String namespace;
    private final String secretName;

    public CaSecretStore(KubernetesClient client, String namespace, String secretName) {
        this.client = client;
        this.namespace = namespace;
        this.secretName = secretName;
    }

    public String namespace() {
        return namespace;
    }

    public String secretName() {
        return secretName;
    }

    /** Loads the CAs from their Secret, creating both on the first start. */
    public CaSet loadOrCreate(SecureRandom random) {
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing != null) {
            CaSet cas = read(existing, random);
            LOG.info("using the CA in Secret {}/{}: {}", namespace, secretName, cas.describe());
            return cas;
        }
        CaSet created = CaSet.of(CertificateAuthority.create("kdop-hub-ca", CA_VALIDITY, random));
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                    .withName(secretName)
                    .withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
                    .addToLabels("app.kubernetes.io/component", "ca")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(CaSecretFormat.write(created, Map.of()))
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            LOG.info("created a new CA {} in Secret {}/{}", created.pin(), namespace, secretName);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                // Another replica created it first: use theirs, so there is only ever one CA.
                return read(client.secrets().inNamespace(namespace).withName(secretName).get(), random);
            }
            throw e;
        }
    }

    /** The CAs a version of the Secret holds. */
    public CaSet read(Secret secret, SecureRandom random) {
        return CaSecretFormat.read(secret.getData(), random, namespace + "/" + secretName);
    }

    /**
     * Carries out the rotation step the Secret asks for, if any, and returns the CAs the Secret
     * holds afterwards. A refused request only updates the status annotation. When another
     * replica changed the Secret first, returns what this version holds: the change arrives as
     * the next version.
     */
    public CaSet reconcile(Secret secret, SecureRandom random, Instant now) {
        CaSet cas = read(secret, random);
        Map<String, String> annotations = secret.getMetadata().getAnnotations() == null ? Map.of()
                : secret.getMetadata().getAnnotations();
        CaRotation decision = CaRotation.decide(cas.phase(), annotations.get(CaRotation.REQUEST),
                annotations.get(CaRotation.DONE));
        return switch (decision) {
            case CaRotation.Nothing nothing -> cas;
            case CaRotation.Refuse(String reason) -> {
                if (!reason.equals(annotations.get(CaRotation.STATUS))) {
                    LOG.warn("CA rotation in Secret {}/{}: {}", namespace, secretName, reason);
                    write(secret, secret.getData(), Map.of(CaRotation.STATUS, reason));
                }
                yield cas;
            }
            case CaRotation.Perform(CaRotation.Step step) -> {
                CaSet after = switch (step) {
                    case ADD -> cas.add(CertificateAuthority.create("kdop-hub-ca-" + CA_NAME_TIME.format(now),
                            CA_VALIDITY, random));
                    case PROMOTE -> cas.promote();
                    case RETIRE -> cas.retire();
                };
                String status = status(step, cas, after, now);
                if (write(secret, CaSecretFormat.write(after, secret.getData()),
                        Map.of(CaRotation.DONE, step.word(), CaRotation.STATUS, status))) {
                    LOG.info("CA rotation in Secret {}/{}: {}", namespace, secretName, status);
                    yield after;
                }
                yield cas;
            }
        };
    }

    /** What happened and what to do next, for the status annotation. */
    static String status(CaRotation.Step step, CaSet before, CaSet after, Instant now) {
        return switch (step) {
            case ADD -> "added at " + now + ": the next CA " + after.next().orElseThrow().pin()
                    + " is trusted beside the signing CA " + after.pin() + "; connected agents receive both now, "
                    + "the others when they next connect. Next: promote, once every DockerHost has been Connected "
                    + "since " + now;
            case PROMOTE -> "promoted at " + now + ": the CA " + after.pin() + " signs the hub's and the agents' "
                    + "certificates and new join tokens pin it; the previous CA " + before.pin() + " is still trusted "
                    + "and connected agents renew their certificates now. Next: retire, once every agent has renewed "
                    + "(at the latest after --client-cert-ttl)";
            case RETIRE -> "retired at " + now + ": only the CA " + after.pin() + " is trusted; an agent still "
                    + "holding a certificate of " + before.pin() + " is refused with CA_RETIRED and must join again";
        };
    }

    /** Writes data and annotations if the Secret is still the version read; false when it changed meanwhile. */
    private boolean write(Secret read, Map<String, String> data, Map<String, String> annotations) {
        Map<String, String> merged = new HashMap<>(Objects.requireNonNullElse(read.getMetadata().getAnnotations(),
                Map.of()));
        merged.putAll(annotations);
        Secret updated = new SecretBuilder(read)
                .editMetadata().withAnnotations(merged).endMetadata()
                .withData(data)
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(updated).update();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                LOG.info("the CA Secret {}/{} changed while the hub was updating it; using the newer version",
                        namespace, secretName);
                return false;
            }
            throw e;
        }
    }
}
