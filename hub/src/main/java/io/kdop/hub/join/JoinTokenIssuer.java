package io.kdop.hub.join;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.CaPin;
import io.kdop.proto.JoinToken;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Issues a join token for a DockerHost: the hub keeps only the hash (in its own namespace); the
 * full token and the ready-to-paste commands go to a Secret beside the host, for the user. At
 * most one token per host is usable: issuing deletes the host's earlier unused tokens.
 */
public final class JoinTokenIssuer {

    private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    private static final String HUB = "kdop-hub";

    private final KubernetesClient client;
    private final TokenRecordStore records;
    private final Supplier<CaPin> caPin;
    private final JoinInstructions instructions;
    private final SecureRandom random;

    /** @param caPin the signing CA's pin now: a token pins the CA that will sign its certificate */
    public JoinTokenIssuer(KubernetesClient client, TokenRecordStore records, Supplier<CaPin> caPin,
            JoinInstructions instructions, SecureRandom random) {
        this.client = client;
        this.records = records;
        this.caPin = caPin;
        this.instructions = instructions;
        this.random = random;
    }

    /** What a user needs to know about an issued token; the secret itself is only in the join Secret. */
    public record Issued(String tokenId, Instant expiresAt, String joinSecretName) {}

    /** A Secret with the join Secret's name exists and belongs to someone else: the hub will not touch it. */
    public static final class ForeignSecretException extends RuntimeException {
        ForeignSecretException(String message) {
            super(message);
        }
    }

    public Issued issue(DockerHost host, Duration ttl, Instant now) {
        String namespace = host.getMetadata().getNamespace();
        String secretName = joinSecretName(host);
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing != null && !isOurs(existing, host)) {
            throw new ForeignSecretException("Secret " + namespace + "/" + secretName + " exists and was not created "
                    + "by kdop for this DockerHost; the hub will not overwrite it: rename or delete it");
        }
        JoinToken token = JoinToken.generate(currentPin(), random);
        records.deleteUnusedFor(host.getMetadata().getUid());
        AgentIdentity identity = new AgentIdentity(namespace, host.getMetadata().getName(), host.getMetadata().getUid(),
                token.tokenId());
        Instant expiresAt = now.plus(ttl);
        records.create(new TokenRecord(token.tokenId(), TokenRecord.hash(token.secret()), identity, expiresAt,
                Optional.empty(), Optional.empty(), null, Optional.of(token.caPin())));
        Secret secret = joinSecret(host, secretName, token, expiresAt);
        if (existing == null) {
            client.secrets().inNamespace(namespace).resource(secret).create();
        } else {
            client.secrets().inNamespace(namespace).resource(secret).update();
        }
        return new Issued(token.tokenId(), expiresAt, secretName);
    }

    /** The CA new tokens pin: the signing one. */
    public CaPin currentPin() {
        return caPin.get();
    }

    public Optional<TokenRecord> find(String tokenId) {
        return records.find(tokenId);
    }

    /** Removes the user-facing Secret once the token is used or the host is gone, if it is the hub's. */
    public void deleteJoinSecret(DockerHost host) {
        String namespace = host.getMetadata().getNamespace();
        Secret existing = client.secrets().inNamespace(namespace).withName(joinSecretName(host)).get();
        if (existing != null && isOurs(existing, host)) {
            client.secrets().inNamespace(namespace).withName(joinSecretName(host)).delete();
        }
    }

    public static String joinSecretName(DockerHost host) {
        return host.getMetadata().getName() + "-join";
    }

    private static boolean isOurs(Secret secret, DockerHost host) {
        boolean labelled = secret.getMetadata().getLabels() != null
                && HUB.equals(secret.getMetadata().getLabels().get(MANAGED_BY));
        boolean owned = secret.getMetadata().getOwnerReferences() != null && secret.getMetadata().getOwnerReferences()
                .stream().anyMatch(ref -> host.getMetadata().getUid().equals(ref.getUid()));
        return labelled && owned;
    }

    private Secret joinSecret(DockerHost host, String name, JoinToken token, Instant expiresAt) {
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(host.getMetadata().getNamespace())
                    .addToLabels(MANAGED_BY, HUB)
                    .addToLabels("kdop.io.vn/host-name", host.getMetadata().getName())
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(host.getApiVersion())
                            .withKind(host.getKind())
                            .withName(host.getMetadata().getName())
                            .withUid(host.getMetadata().getUid())
                            .build())
                .endMetadata()
                .withType("kdop.io.vn/join")
                .withData(Map.of(
                        "token", b64(token.encode()),
                        "hub-address", b64(instructions.hubAddress()),
                        "join-command", b64(instructions.jarCommand(token)),
                        "join-command-docker", b64(instructions.dockerCommand(token)),
                        "join-command-systemd", b64(instructions.systemdCommand(token)),
                        "expires-at", b64(Timestamps.format(expiresAt))))
                .build();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
