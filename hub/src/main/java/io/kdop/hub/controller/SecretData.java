package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A Secret's values as bytes: data decoded from base64, stringData (as the API server would merge it) on top. */
public final class SecretData {

    private SecretData() {}

    /** The data of each named Secret of the namespace; an absent value means the Secret does not exist. */
    static Map<String, Optional<Map<String, byte[]>>> fetch(KubernetesClient client, String namespace,
            Set<String> names) {
        Map<String, Optional<Map<String, byte[]>>> secrets = new HashMap<>();
        for (String name : names) {
            Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
            secrets.put(name, Optional.ofNullable(secret).map(SecretData::decode));
        }
        return secrets;
    }

    public static Map<String, byte[]> decode(Secret secret) {
        Map<String, byte[]> values = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k, Base64.getDecoder().decode(v == null ? "" : v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> values.put(k, (v == null ? "" : v).getBytes(StandardCharsets.UTF_8)));
        }
        return values;
    }
}
