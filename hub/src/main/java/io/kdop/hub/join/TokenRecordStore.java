package io.kdop.hub.join;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.CaPin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Join-token records, one Secret each in the hub's namespace, so that only the hub's service
 * account (not whoever can read the host's namespace) can see even the hash.
 */
public final class TokenRecordStore {

    static final String LABEL = "kdop.io.vn/join-token";
    private static final String HOST_UID_LABEL = "kdop.io.vn/host-uid";
    private static final String PREFIX = "kdop-join-token-";
    private static final int CONFLICT = 409;

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

    /**
     * Marks the record used, only if nobody changed it since it was read (the update carries the
     * resourceVersion of that read): two hubs racing with one token cannot both win.
     *
     * @return false when the record changed in between
     */
    public boolean markUsed(TokenRecord record, Instant when, String keyHash) {
        Secret updated = new SecretBuilder(toSecret(record.markUsed(when, keyHash)))
                .editMetadata().withResourceVersion(record.version()).endMetadata()
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(updated).update();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes every unused token of the host, so that at most one token per host is ever usable. */
    public void deleteUnusedFor(String hostUid) {
        for (Secret secret : hostRecords(hostUid)) {
            if (fromSecret(secret).usedAt().isEmpty()) {
                client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).delete();
            }
        }
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

    private List<Secret> hostRecords(String hostUid) {
        return client.secrets().inNamespace(namespace).withLabel(LABEL).withLabel(HOST_UID_LABEL, hostUid).list()
                .getItems();
    }

    private Secret toSecret(TokenRecord record) {
        Map<String, String> data = new HashMap<>();
        data.put("secret-sha256", b64(record.secretSha256()));
        data.put("host-namespace", b64(record.host().namespace()));
        data.put("host-name", b64(record.host().name()));
        data.put("host-uid", b64(record.host().uid()));
        data.put("expires-at", b64(record.expiresAt().toString()));
        record.usedAt().ifPresent(used -> data.put("used-at", b64(used.toString())));
        record.usedByKey().ifPresent(key -> data.put("used-by-key-sha256", b64(key)));
        record.caPin().ifPresent(pin -> data.put("ca-pin", b64(pin.hex())));
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(PREFIX + record.tokenId())
                    .withNamespace(namespace)
                    .addToLabels(LABEL, "true")
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
                    .addToLabels("kdop.io.vn/host-namespace", record.host().namespace())
                    .addToLabels("kdop.io.vn/host-name", record.host().name())
                    .addToLabels(HOST_UID_LABEL, record.host().uid())
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
                        unb64(data.get("host-uid")), tokenId),
                Instant.parse(unb64(data.get("expires-at"))),
                Optional.ofNullable(data.get("used-at")).map(v -> Instant.parse(unb64(v))),
                Optional.ofNullable(data.get("used-by-key-sha256")).map(TokenRecordStore::unb64),
                secret.getMetadata().getResourceVersion(),
                Optional.ofNullable(data.get("ca-pin")).map(v -> CaPin.ofHex(unb64(v))));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
