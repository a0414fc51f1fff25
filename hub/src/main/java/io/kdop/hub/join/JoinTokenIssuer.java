package io.kdop.hub.join;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
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

/**
 * Issues a join token for a DockerHost: the hub keeps only the hash (in its own namespace); the
 * full token and the ready-to-paste command go to a Secret beside the host, for the user.
 */
public final class JoinTokenIssuer {

    private final KubernetesClient client;
    private final TokenRecordStore records;
    private final CaPin caPin;
    private final JoinInstructions instructions;
    private final SecureRandom random;

    public JoinTokenIssuer(KubernetesClient client, TokenRecordStore records, CaPin caPin,
            JoinInstructions instructions, SecureRandom random) {
        this.client = client;
        this.records = records;
        this.caPin = caPin;
        this.instructions = instructions;
        this.random = random;
    }

    /** What a user needs to know about an issued token; the secret itself is only in the join Secret. */
    public record Issued(String tokenId, Instant expiresAt, String joinSecretName) {}

    public Issued issue(DockerHost host, Duration ttl, Instant now) {
        JoinToken token = JoinToken.generate(caPin, random);
        AgentIdentity identity = new AgentIdentity(host.getMetadata().getNamespace(), host.getMetadata().getName(),
                host.getMetadata().getUid());
        Instant expiresAt = now.plus(ttl);
        records.create(new TokenRecord(token.tokenId(), TokenRecord.hash(token.secret()), identity, expiresAt,
                Optional.empty()));
        String secretName = joinSecretName(host);
        client.secrets().inNamespace(identity.namespace()).resource(joinSecret(host, secretName, token, expiresAt))
                .createOr(NonDeletingOperation::update);
        return new Issued(token.tokenId(), expiresAt, secretName);
    }

    /** Forgets an outstanding token: its record goes, so it can no longer be used. */
    public void revoke(String tokenId) {
        records.delete(tokenId);
    }

    public Optional<TokenRecord> find(String tokenId) {
        return records.find(tokenId);
    }

    /** Removes the user-facing Secret once the token is used or the host is gone. */
    public void deleteJoinSecret(DockerHost host) {
        client.secrets().inNamespace(host.getMetadata().getNamespace()).withName(joinSecretName(host)).delete();
    }

    public static String joinSecretName(DockerHost host) {
        return host.getMetadata().getName() + "-join";
    }

    private Secret joinSecret(DockerHost host, String name, JoinToken token, Instant expiresAt) {
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(host.getMetadata().getNamespace())
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
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
                        "expires-at", b64(Timestamps.format(expiresAt))))
                .build();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
