package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A Secret's values as bytes: data decoded from base64, stringData (as the API server would merge it) on top. */
final class SecretData {

    private SecretData() {}

    static Map<String, byte[]> decode(Secret secret) {
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
