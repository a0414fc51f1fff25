package io.kdop.hub.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a replica is made of: its revision (a hash of the template), its labels and its spec on one host. */
public final class ReplicaTemplate {

    /** The deployment that owns a replica (its name); ownerReferences are the truth, this is for selecting. */
    public static final String DEPLOYMENT_LABEL = KdopApi.GROUP + "/deployment";
    /** The template revision a replica was made from. */
    public static final String REVISION_LABEL = KdopApi.GROUP + "/revision";
    /** The DockerHost the hub placed a replica on, so that an edit of its dockerHostRef is put back. */
    public static final String PLACED_ON_ANNOTATION = KdopApi.GROUP + "/placed-on";

    // sorted map keys: the same template always hashes the same, whatever order its maps came in
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
            true);

    private ReplicaTemplate() {}

    /** A short hash of the template: equal templates (a rollback) give the same revision. */
    public static String revision(DeploymentTemplate template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(template)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash a deployment template", e);
        }
    }

    /** The replica's name: deployment, revision and the lowest ordinal free. */
    public static String name(String deployment, String revision, int ordinal) {
        return deployment + "-" + revision + "-" + ordinal;
    }

    /** The labels of a replica: the template's, plus the deployment's and the revision's. */
    public static Map<String, String> labels(DeploymentTemplate template, String deployment, String revision) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (template.metadata() != null && template.metadata().labels() != null) {
            labels.putAll(template.metadata().labels());
        }
        labels.put(DEPLOYMENT_LABEL, deployment);
        labels.put(REVISION_LABEL, revision);
        return labels;
    }

    /**
     * The template's spec on one host. The Docker container is named after the replica
     * (containerName dropped): two replicas on one host must not share a name. Done on the JSON
     * tree so that fields added to DockerContainerSpec later are carried without a change here.
     */
    public static DockerContainerSpec specOn(DeploymentTemplate template, String host) {
        ObjectNode tree = JSON.valueToTree(template.spec());
        tree.remove("containerName");
        tree.put("dockerHostRef", host);
        return JSON.convertValue(tree, DockerContainerSpec.class);
    }
}
