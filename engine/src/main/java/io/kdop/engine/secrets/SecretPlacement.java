package io.kdop.engine.secrets;

import io.kdop.proto.v1.ContainerSpec;
import java.io.IOException;
import java.util.Set;

/**
 * Puts a workload's secret files where its container mounts them ({@link SecretMounts}) and takes
 * them away. The agent writes them to its own disk; a host the hub drives directly has no disk of
 * the hub's, so there they go through the Docker API. Called on the reconciler's thread only.
 */
public interface SecretPlacement {

    /** Where the files of each workload are, as the container's binds name them. */
    SecretMounts layout();

    /**
     * Makes the workload's secret files what {@code spec} says, in place (a running container sees
     * a rotated Secret without a restart).
     *
     * @return how many files changed
     */
    int sync(ContainerSpec spec) throws IOException;

    /** Removes the files of one workload. */
    void remove(String workloadUid) throws IOException;

    /** Removes the files of every workload not in {@code keep}. */
    void retainOnly(Set<String> keep) throws IOException;
}
