package io.kdop.hub.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdop.proto.v1.RegistryCredential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Registry credentials from an image pull Secret's data, in both forms kdop accepts: a Docker
 * config ({@code .dockerconfigjson}, or the older {@code .dockercfg}), as Kubernetes writes it for
 * Pods, and the seed operator's Secret with the keys {@code username}, {@code password} and
 * {@code server} (any type, usually Opaque; a {@code kubernetes.io/basic-auth} Secret has the same
 * keys). Pure. Problem messages name keys, never values.
 */
final class PullSecrets {

    static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";
    static final String DOCKER_CFG = ".dockercfg";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String SERVER = "server";
    /** Where Docker sends a login without a server: Docker Hub. */
    static final String DOCKER_HUB = "docker.io";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOW = "create it with kubectl create secret docker-registry, or as an Opaque Secret "
            + "with the keys username, password and server (the registry, e.g. registry.example.org:5000)";

    private PullSecrets() {}

    /** The credentials the Secret holds; an empty list and a problem added when it holds none usable. */
    static List<RegistryCredential> credentials(String secretName, Map<String, byte[]> data, List<SpecProblem> problems) {
        byte[] config = data.containsKey(DOCKER_CONFIG_JSON) ? data.get(DOCKER_CONFIG_JSON) : data.get(DOCKER_CFG);
        if (config != null) {
            return dockerConfig(secretName, config, problems);
        }
        boolean hasUser = data.containsKey(USERNAME);
        boolean hasPassword = data.containsKey(PASSWORD);
        if (hasUser || hasPassword) {
            return basic(secretName, data, hasUser, hasPassword, problems);
        }
        problems.add(invalid("image pull Secret " + secretName + " has neither a Docker config (" + DOCKER_CONFIG_JSON
                + " or " + DOCKER_CFG + ") nor username and password; its keys are " + keys(data) + "; " + HOW));
        return List.of();
    }

    private static List<RegistryCredential> basic(String secretName, Map<String, byte[]> data, boolean hasUser,
            boolean hasPassword, List<SpecProblem> problems) {
        if (!hasUser || !hasPassword) {
            problems.add(invalid("image pull Secret " + secretName + " has the key " + (hasUser ? USERNAME : PASSWORD)
                    + " but no key " + (hasUser ? PASSWORD : USERNAME) + "; " + HOW));
            return List.of();
        }
        String username = text(data.get(USERNAME)).strip();
        String password = text(data.get(PASSWORD));
        if (username.isEmpty() || password.isEmpty()) {
            problems.add(invalid("image pull Secret " + secretName + " has an empty "
                    + (username.isEmpty() ? USERNAME : PASSWORD) + "; " + HOW));
            return List.of();
        }
        // Without a server, Docker logs in to Docker Hub, and so does the seed's Secret.
        String server = data.containsKey(SERVER) ? text(data.get(SERVER)).strip() : "";
        return List.of(RegistryCredential.newBuilder().setServer(server.isEmpty() ? DOCKER_HUB : host(server))
                .setUsername(username).setPassword(password).build());
    }

    private static List<RegistryCredential> dockerConfig(String secretName, byte[] config, List<SpecProblem> problems) {
        try {
            JsonNode root = JSON.readTree(config);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            JsonNode auths = root.has("auths") ? root.get("auths") : root;
            List<RegistryCredential> credentials = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                credentials.add(credential(entry.getKey(), entry.getValue()));
            }
            return credentials;
        } catch (IOException | IllegalArgumentException e) {
            // no detail from the parser: it may quote the Secret's content
            problems.add(invalid("image pull Secret " + secretName + " does not hold a valid Docker config JSON"));
            return List.of();
        }
    }

    private static RegistryCredential credential(String server, JsonNode entry) {
        String username = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        if ((username.isEmpty() || password.isEmpty()) && entry.hasNonNull("auth")) {
            String decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("auth is not user:password");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        return RegistryCredential.newBuilder().setServer(host(server)).setUsername(username).setPassword(password).build();
    }

    /** The registry host of a server as people write it: https://reg.example.org:5000/v2/ → reg.example.org:5000. */
    private static String host(String server) {
        return server.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    }

    private static String keys(Map<String, byte[]> data) {
        return data.isEmpty() ? "none" : String.join(", ", new TreeSet<>(data.keySet()));
    }

    private static String text(byte[] value) {
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    private static SpecProblem invalid(String message) {
        return SpecProblem.of("InvalidPullSecret", message);
    }
}
