package io.kdop.engine.plan;

import io.kdop.proto.v1.ManagedContainer;
import io.kdop.proto.v1.WorkloadRef;
import java.util.List;
import java.util.Map;

/** The labels that mark a container as the agent's own, and how they map to the inventory. */
public final class ManagedContainers {

    public static final String MANAGED_BY = "kdop.io.vn/managed-by";
    public static final String MANAGED_BY_VALUE = "kdop-agent";
    public static final String WORKLOAD_KIND = "kdop.io.vn/workload-kind";
    public static final String WORKLOAD_NAMESPACE = "kdop.io.vn/workload-namespace";
    public static final String WORKLOAD_NAME = "kdop.io.vn/workload-name";
    public static final String WORKLOAD_UID = "kdop.io.vn/workload-uid";
    public static final String SPEC_HASH = "kdop.io.vn/spec-hash";
    /** The UID of the DockerHost identity whose agent created the container. */
    public static final String HOST_UID = "kdop.io.vn/host-uid";
    /** On a job's container: which attempt (1, 2, ...) created it, so a restarted agent can tell attempts apart. */
    public static final String JOB_ATTEMPT = "kdop.io.vn/job-attempt";
    /** The workload kind of a DockerJob: its containers are driven by the job code, never by the Planner. */
    public static final String DOCKER_JOB = "DockerJob";

    private ManagedContainers() {}

    /** One inventory entry from what Docker lists about a container. */
    public static ManagedContainer of(String id, List<String> names, Map<String, String> labels, String state) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        String name = names == null || names.isEmpty() ? "" : names.getFirst();
        return ManagedContainer.newBuilder()
                .setContainerId(nullToEmpty(id))
                // Docker lists names with a leading slash ("/web")
                .setName(name.startsWith("/") ? name.substring(1) : name)
                .setWorkload(WorkloadRef.newBuilder()
                        .setKind(l.getOrDefault(WORKLOAD_KIND, ""))
                        .setNamespace(l.getOrDefault(WORKLOAD_NAMESPACE, ""))
                        .setName(l.getOrDefault(WORKLOAD_NAME, ""))
                        .setUid(l.getOrDefault(WORKLOAD_UID, "")))
                .setSpecHash(l.getOrDefault(SPEC_HASH, ""))
                .setState(nullToEmpty(state))
                .build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
