package io.kdop.hub.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fuzz input read as what the hub gets from the API server: one JSON document
 * {@code {"<field>": <a DockerContainer or DockerJob>, "secrets": {"<name>": {"<key>": "<value>"}}}}.
 * A Secret given as null (or left out) does not exist.
 */
record FuzzedWorkload<T extends HasMetadata>(T workload, Map<String, Map<String, byte[]>> secrets) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * The workload, or empty when the bytes are no object the Kubernetes client would hand to a
     * reconciler (not JSON, or not of the resource's shape): that is the client's business.
     */
    static <T extends HasMetadata> Optional<FuzzedWorkload<T>> read(byte[] input, String field, Class<T> type) {
        JsonNode root;
        T workload;
        try {
            root = JSON.readTree(input);
            if (root == null || !root.isObject() || !root.path(field).isObject()) {
                return Optional.empty();
            }
            workload = SERIALIZATION.unmarshal(root.get(field).toString(), type);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (workload == null) {
            return Optional.empty();
        }
        // the API server always sets these
        ObjectMeta meta = workload.getMetadata() == null ? new ObjectMeta() : workload.getMetadata();
        meta.setName(meta.getName() == null || meta.getName().isBlank() ? "fuzzed" : meta.getName());
        meta.setNamespace(meta.getNamespace() == null ? "default" : meta.getNamespace());
        meta.setUid(meta.getUid() == null ? "0b5e1c2d-3f4a-4b6c-8d7e-9f0a1b2c3d4e" : meta.getUid());
        workload.setMetadata(meta);
        return Optional.of(new FuzzedWorkload<>(workload, secrets(root.path("secrets"))));
    }

    /** The referenced Secrets as SecretData.fetch hands them to the translators. */
    Map<String, Optional<Map<String, byte[]>>> fetch(Set<String> names) {
        Map<String, Optional<Map<String, byte[]>>> fetched = new HashMap<>();
        names.forEach(name -> fetched.put(name, Optional.ofNullable(secrets.get(name))));
        return fetched;
    }

    private static Map<String, Map<String, byte[]>> secrets(JsonNode node) {
        Map<String, Map<String, byte[]>> secrets = new HashMap<>();
        node.properties().forEach(secret -> {
            if (secret.getValue().isObject()) {
                Map<String, byte[]> data = new HashMap<>();
                // SecretData.decode turns a null value into empty bytes
                secret.getValue().properties().forEach(key -> data.put(key.getKey(),
                        (key.getValue().isNull() ? "" : key.getValue().asText()).getBytes(StandardCharsets.UTF_8)));
                secrets.put(secret.getKey(), data);
            }
        });
        return secrets;
    }
}
