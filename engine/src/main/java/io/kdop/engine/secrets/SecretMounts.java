package io.kdop.engine.secrets;

/**
 * What a container's bind of a workload's secret files names as its source: a host directory
 * where the agent writes them ({@link SecretLayout}), or a named Docker volume on a host the hub
 * drives through its Docker API (Docker takes a source that is not an absolute path as a volume).
 */
public interface SecretMounts {

    /**
     * The bind source of the n-th {@code secret_files} entry of a workload (n counts from 0); ""
     * for a UID no source can be made of (SpecCheck refuses such a spec before it is created).
     */
    String source(String workloadUid, int n);
}
