package io.kdop.engine.plan;

import java.util.List;

/**
 * The container-defining settings kdop controls, as kdop creates them or as Docker reports them
 * for an existing container ("as configured", before any image default is merged in for what
 * kdop creates; after Docker's merge for what Docker reports).
 *
 * @param image the image reference as given at creation (not the resolved image id)
 * @param cmd Docker's Cmd; empty: none given (the image's)
 * @param entrypoint Docker's Entrypoint; empty: none given (the image's)
 * @param env {@code NAME=value} strings
 * @param restartPolicy Docker's name: "no", "always", "on-failure" or "unless-stopped"
 * @param maxRetries for "on-failure" only; 0 otherwise
 * @param ports sorted
 * @param binds {@code host:container:ro|rw}, sorted
 * @param health null: none given (the image's)
 * @param nanoCpus 0: unlimited
 * @param memoryBytes 0: unlimited
 * @param networkMode "" for Docker's default
 */
public record ContainerConfig(
        String image,
        List<String> cmd,
        List<String> entrypoint,
        List<String> env,
        String restartPolicy,
        int maxRetries,
        List<PortMapping> ports,
        List<String> binds,
        HealthConfig health,
        long nanoCpus,
        long memoryBytes,
        String networkMode) {

    public ContainerConfig {
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        env = List.copyOf(env);
        ports = ports.stream().sorted().toList();
        binds = binds.stream().sorted().toList();
        restartPolicy = restartPolicy == null || restartPolicy.isEmpty() ? "no" : restartPolicy;
        networkMode = networkMode == null ? "" : networkMode;
    }

    /** A bind in the canonical form of {@link #binds}. */
    public static String bind(String hostPath, String containerPath, boolean readOnly) {
        return hostPath + ":" + containerPath + (readOnly ? ":ro" : ":rw");
    }
}
