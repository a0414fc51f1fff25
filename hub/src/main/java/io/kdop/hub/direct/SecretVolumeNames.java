package io.kdop.hub.direct;

import io.kdop.engine.plan.ManagedContainers;
import java.util.Map;
import java.util.Optional;

/**
 * Names and labels of the Docker volumes that hold a direct host's secret files, one per
 * {@code secret_files} entry of a workload, and of the never-started carrier container through
 * which each is filled. The labels let removal find them by host and workload; their managed-by
 * value is not the engine's, so the engine never takes a carrier for a workload's container.
 * Pure.
 */
final class SecretVolumeNames {

    /** The managed-by value of secret volumes and their carriers. */
    static final String MANAGED_BY_VALUE = "kdop-hub";
    /** Which {@code secret_files} entry of the workload a volume holds. */
    static final String INDEX = "kdop.io.vn/secret-files-index";
    /** Where a carrier mounts its volume (read-write): the archive endpoint writes below it. */
    static final String CARRIER_MOUNT = "/kdop-secrets";

    private SecretVolumeNames() {}

    /**
     * The volume of the n-th entry, also its carrier's container name: a Kubernetes UID is made of
     * characters Docker's names allow.
     */
    static String volume(String workloadUid, int n) {
        return prefix(workloadUid) + n;
    }

    /** What the names of a workload's volumes begin with. */
    static String prefix(String workloadUid) {
        return "kdop-secrets-" + workloadUid + "-";
    }

    /** The entry index in a volume's name, or -1 when it is not the name of one of the workload's volumes. */
    static int index(String workloadUid, String volume) {
        String rest = volume.startsWith(prefix(workloadUid)) ? volume.substring(prefix(workloadUid).length()) : "";
        return rest.matches("0|[1-9][0-9]{0,8}") ? Integer.parseInt(rest) : -1;
    }

    /** The labels of a volume and of its carrier. */
    static Map<String, String> labels(String hostUid, String workloadUid, int n) {
        return Map.of(ManagedContainers.MANAGED_BY, MANAGED_BY_VALUE, ManagedContainers.HOST_UID, hostUid,
                ManagedContainers.WORKLOAD_UID, workloadUid, INDEX, Integer.toString(n));
    }

    /** The label filter that finds every secret volume of a host. */
    static Map<String, String> ofHost(String hostUid) {
        return Map.of(ManagedContainers.MANAGED_BY, MANAGED_BY_VALUE, ManagedContainers.HOST_UID, hostUid);
    }

    /** Whether labels are those of a secret volume (or carrier) of this host. */
    static boolean ours(Map<String, String> labels, String hostUid) {
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(ManagedContainers.MANAGED_BY))
                && hostUid.equals(labels.get(ManagedContainers.HOST_UID));
    }

    /** The workload a volume of this host belongs to, if the labels are such a volume's. */
    static Optional<String> workload(Map<String, String> labels, String hostUid) {
        return ours(labels, hostUid) ? Optional.ofNullable(labels.get(ManagedContainers.WORKLOAD_UID)) : Optional.empty();
    }
}
