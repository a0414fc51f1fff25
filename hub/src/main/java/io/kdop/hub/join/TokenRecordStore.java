package io.kdop.hub.join;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.pki.AgentIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Join-token records, one Secret each in the hub's namespace, so that only the hub's service
 * account (not whoever can read the host's namespace) can see even the hash.
 */
public final class TokenRecordStore {

    static final String LABEL = "kdop.io.vn/join-token";
    private static final String PREFIX = "kdop-join-token-";

    private final KubernetesClient client;
    private final String namespace;

    public TokenRecordStore(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public void create(TokenRecord record) {
        client.secrets().inNamespace(namespace).resource(toSecret(record)).create();
    }

    public Optional<TokenRecord> find(String tokenId) {
        return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(PREFIX + tokenId).get())
                .map(TokenRecordStore::fromSecret);
    }

    /** Marks the record used; the update carries the read resourceVersion, so a racing second use fails. */
    public void markUsed(TokenRecord record, Instant when) {
        Secret current = client.secrets().inNamespace(namespace).withName(PREFIX + record.tokenId()).get();
        Secret updated = new SecretBuilder(toSecret(record.markUsed(when)))
                .editMetadata().withResourceVersion(current.getMetadata().getResourceVersion()).endMetadata()
                .build();
        client.secrets().inNamespace(namespace).resource(updated).update();
    }

    public void delete(String tokenId) {
        client.secrets().inNamespace(namespace).withName(PREFIX + tokenId).delete();
    }

    /** Deletes records that expired before the cutoff; until then they answer "expired" rather than "unknown". */
    public int deleteExpiredBefore(Instant cutoff) {
        int deleted = 0;
        for (Secret secret : client.secrets().inNamespace(namespace).withLabel(LABEL).list().getItems()) {
            TokenRecord record = fromSecret(secret);
            if (record.expiresAt().isBefore(cutoff)) {
                client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).delete();
                deleted++;
            }
        }
        return deleted;
    }

    private Secret toSecret(TokenRecord record) {
        Map<String, String> data = new HashMap<>();
        data.put("secret-sha256", b64(record.secretSha256()));
        data.put("host-namespace", b64(record.host().namespace()));
        data.put("host-name", b64(record.host().name()));
        data.put("host-uid", b64(record.host().uid()));
        data.put("expires-at", b64(record.expiresAt().toString()));
        record.usedAt().ifPresent(used -> data.put("used-at", b64(used.toString())));
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(PREFIX + record.tokenId())
                    .withNamespace(namespace)
                    .addToLabels(LABEL, "true")
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
                    .addToLabels("kdop.io.vn/host-namespace", record.host().namespace())
                    .addToLabels("kdop.io.vn/host-name", record.host().name())
                .endMetadata()
                .withType("kdop.io.vn/join-token")
                .withData(data)
                .build();
    }

    private static TokenRecord fromSecret(Secret secret) {
        Map<String, String> data = secret.getData();
        String tokenId = secret.getMetadata().getName().substring(PREFIX.length());
        return new TokenRecord(tokenId, unb64(data.get("secret-sha256")),
                new AgentIdentity(unb64(data.get("host-namespace")), unb64(data.get("host-name")),
                        unb64(data.get("host-uid"))),
                Instant.parse(unb64(data.get("expires-at"))),
                Optional.ofNullable(data.get("used-at")).map(v -> Instant.parse(unb64(v))));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
