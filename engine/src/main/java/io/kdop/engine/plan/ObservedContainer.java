package io.kdop.engine.plan;

import io.kdop.proto.v1.WorkloadRef;
import java.util.Map;

/**
 * One container carrying this host's kdop labels, read from Docker in the current pass.
 *
 * @param name without Docker's leading slash
 * @param imageId the id of the image it was created from
 */
public record ObservedContainer(String id, String name, Map<String, String> labels, String imageId,
        ContainerConfig config, RuntimeState state) {

    public ObservedContainer {
        labels = Map.copyOf(labels);
    }

    /** The workload uid from its labels ("" when the label is missing). */
    public String workloadUid() {
        return labels.getOrDefault(ManagedContainers.WORKLOAD_UID, "");
    }

    /** The spec hash from its labels ("" when the label is missing). */
    public String specHash() {
        return labels.getOrDefault(ManagedContainers.SPEC_HASH, "");
    }

    /** The workload it belongs to, as its labels say. */
    public WorkloadRef workload() {
        return WorkloadRef.newBuilder()
                .setKind(labels.getOrDefault(ManagedContainers.WORKLOAD_KIND, ""))
                .setNamespace(labels.getOrDefault(ManagedContainers.WORKLOAD_NAMESPACE, ""))
                .setName(labels.getOrDefault(ManagedContainers.WORKLOAD_NAME, ""))
                .setUid(workloadUid())
                .build();
    }

    /** A short id for logs and messages. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
