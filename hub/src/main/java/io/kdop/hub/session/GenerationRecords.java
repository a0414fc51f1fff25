package io.kdop.hub.session;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kdop.hub.pki.AgentIdentity;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which join made each DockerHost's current agent, one Secret per host UID in the hub's
 * namespace. It decides which certificates are admitted, so it must not live where a user who
 * may only patch DockerHosts could rewrite it (an annotation could bring back a superseded agent).
 */
final class GenerationRecords {

    private static final String PREFIX = "kdop-agent-generation-";
    private static final String LABEL = "kdop.io.vn/agent-generation";
    private static final String HOST_UID_LABEL = "kdop.io.vn/host-uid";
    private static final String GENERATION = "generation";
    private static final String JOINED_AT = "joined-at";

    private final KubernetesClient client;
    private final String namespace;

    GenerationRecords(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The host's latest join: its token id and when it happened. */
    record Join(String generation, Instant joinedAt) {}

    Optional<Join> find(String hostUid) {
        return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(PREFIX + hostUid).get())
                .flatMap(GenerationRecords::joinOf);
    }

    private static Optional<Join> joinOf(Secret secret) {
        Map<String, String> data = secret.getData();
        if (data == null || !data.containsKey(GENERATION)) {
            return Optional.empty();
        }
        return Optional.of(new Join(decode(data.get(GENERATION)),
                Optional.ofNullable(data.get(JOINED_AT)).map(v -> Instant.parse(decode(v))).orElse(Instant.EPOCH)));
    }

    /** Records the identity as its host's latest join; whoever writes last wins, as the latest join should. */
    void record(AgentIdentity identity, Instant joinedAt) {
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                    .withName(PREFIX + identity.uid())
                    .withNamespace(namespace)
                    .addToLabels(LABEL, "true")
                    .addToLabels(HOST_UID_LABEL, identity.uid())
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
                    .addToLabels("kdop.io.vn/host-namespace", identity.namespace())
                    .addToLabels("kdop.io.vn/host-name", identity.name())
                .endMetadata()
                .withType("kdop.io.vn/agent-generation")
                // data, not stringData: the CRUD stand-in of the tests does not convert the latter
                .addToData(GENERATION, encode(identity.generation()))
                .addToData(JOINED_AT, encode(joinedAt.toString()))
                .build();
        client.secrets().inNamespace(namespace).resource(secret).createOr(NonDeletingOperation::update);
    }

    /** Every record: the UID, namespace and name of the host it belongs to. */
    List<Owner> owners() {
        return client.secrets().inNamespace(namespace).withLabel(LABEL, "true").list().getItems().stream()
                .map(s -> s.getMetadata().getLabels())
                .map(l -> new Owner(l.get(HOST_UID_LABEL), l.get("kdop.io.vn/host-namespace"),
                        l.get("kdop.io.vn/host-name")))
                .toList();
    }

    /** The host a record belongs to. */
    record Owner(String uid, String namespace, String name) {}

    void delete(String hostUid) {
        client.secrets().inNamespace(namespace).withName(PREFIX + hostUid).delete();
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
