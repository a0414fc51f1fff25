package io.kdop.agent.reconcile;

import io.kdop.agent.docker.ManagedContainers;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HealthCheck;
import io.kdop.proto.v1.RestartPolicy;
import io.kdop.proto.v1.WorkloadRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A desired workload as the container kdop creates for it: name, labels and the exact settings
 * of the create request. Drift detection compares against the same object, so "what kdop
 * creates" and "what kdop expects to find" cannot disagree.
 *
 * @param specHash see {@link SpecHash#of}
 * @param attemptKey see {@link SpecHash#attempt}: what failures and their backoff are kept under
 */
public record DesiredContainer(ContainerSpec spec, String name, ContainerConfig config, Map<String, String> labels,
        String specHash, String attemptKey, java.util.Optional<String> mountProblem) {

    /** The Docker socket: whoever mounts it owns the host. */
    private static final List<java.nio.file.Path> DOCKER_SOCKETS =
            List.of(java.nio.file.Path.of("/var/run/docker.sock"), java.nio.file.Path.of("/run/docker.sock"));

    /** The longest duration Docker's int64 nanoseconds hold, in the milliseconds the hub sends. */
    static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000;

    public DesiredContainer {
        labels = Map.copyOf(labels);
    }

    /**
     * Why a host mount may not be made: it would hand the container this agent's state (its
     * identity key, every workload's secrets, the desired state) or the Docker socket, i.e. the
     * host and the other tenants' secrets. A workload of another namespace on a shared host
     * must not get those by declaring a volume.
     */
    static java.util.Optional<String> mountProblem(ContainerSpec spec, java.nio.file.Path stateDir) {
        List<java.nio.file.Path> guarded = new ArrayList<>(DOCKER_SOCKETS);
        guarded.add(stateDir.toAbsolutePath().normalize());
        for (var m : spec.getMountsList()) {
            java.nio.file.Path host;
            try {
                host = java.nio.file.Path.of(m.getHostPath()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                return java.util.Optional.of("mount of host path " + m.getHostPath().replace("\0", "\\0")
                        + " refused: it is not a valid path");
            }
            for (java.nio.file.Path g : guarded) {
                if (host.startsWith(g) || g.startsWith(host)) {
                    return java.util.Optional.of("mount of host path " + m.getHostPath() + " refused: it would expose "
                            + (DOCKER_SOCKETS.contains(g) ? "the Docker socket" : "the agent's state directory " + g));
                }
            }
        }
        return java.util.Optional.empty();
    }

    public static DesiredContainer of(ContainerSpec spec, String hostUid, SecretLayout secrets) {
        WorkloadRef w = spec.getWorkload();
        String hash = SpecHash.of(spec);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE);
        labels.put(ManagedContainers.HOST_UID, hostUid);
        labels.put(ManagedContainers.WORKLOAD_KIND, w.getKind().isEmpty() ? "DockerContainer" : w.getKind());
        labels.put(ManagedContainers.WORKLOAD_NAMESPACE, w.getNamespace());
        labels.put(ManagedContainers.WORKLOAD_NAME, w.getName());
        labels.put(ManagedContainers.WORKLOAD_UID, w.getUid());
        labels.put(ManagedContainers.SPEC_HASH, hash);

        List<String> binds = new ArrayList<>();
        spec.getMountsList().forEach(m -> binds.add(ContainerConfig.bind(m.getHostPath(), m.getContainerPath(), m.getReadOnly())));
        for (int n = 0; n < spec.getSecretFilesCount(); n++) {
            binds.add(ContainerConfig.bind(secretDirectory(secrets, w.getUid(), n),
                    spec.getSecretFiles(n).getMountPath(), true));
        }
        ContainerConfig config = new ContainerConfig(
                spec.getImage(),
                spec.getCommandList(),
                spec.getEntrypointList(),
                spec.getEnvList().stream().map(e -> e.getName() + "=" + e.getValue()).toList(),
                restartPolicy(spec.getRestartPolicy()),
                // Docker refuses a retry count with any other policy
                spec.getRestartPolicy() == RestartPolicy.RESTART_ON_FAILURE ? Math.max(0, spec.getMaxRestartCount()) : 0,
                spec.getPortsList().stream()
                        .map(p -> new PortMapping(p.getHostIp(), p.getHostPort(), p.getContainerPort(), p.getProtocol()))
                        .toList(),
                binds,
                spec.hasHealthCheck() ? health(spec.getHealthCheck()) : null,
                spec.getResources().getNanoCpus(),
                spec.getResources().getMemoryBytes(),
                spec.getNetworkMode());
        return new DesiredContainer(spec, spec.getContainerName(), config, labels, hash, SpecHash.attempt(spec),
                mountProblem(spec, secrets.root().getParent()));
    }

    /** The workload's UID, the key of everything the agent keeps per workload. */
    public String uid() {
        return spec.getWorkload().getUid();
    }

    public WorkloadRef workload() {
        return spec.getWorkload();
    }

    /** The agent restarts a stopped container itself only under these policies (declared state wins). */
    public boolean keepsRunning() {
        return spec.getRestartPolicy() == RestartPolicy.RESTART_ALWAYS
                || spec.getRestartPolicy() == RestartPolicy.RESTART_UNLESS_STOPPED;
    }

    /** "namespace/name" of the workload, for logs and messages. */
    public String describe() {
        WorkloadRef w = workload();
        return (w.getKind().isEmpty() ? "DockerContainer" : w.getKind()) + " " + w.getNamespace() + "/" + w.getName();
    }

    static String restartPolicy(RestartPolicy policy) {
        return switch (policy) {
            case RESTART_NO -> "no";
            case RESTART_ON_FAILURE -> "on-failure";
            case RESTART_UNLESS_STOPPED -> "unless-stopped";
            // ALWAYS is the proto's default; an unknown value from a newer hub keeps the container up
            case RESTART_ALWAYS, UNRECOGNIZED -> "always";
        };
    }

    private static HealthConfig health(HealthCheck h) {
        return new HealthConfig(h.getTestList(), nanos(h.getIntervalMillis()), nanos(h.getTimeoutMillis()),
                h.getRetries(), nanos(h.getStartPeriodMillis()));
    }

    /**
     * Saturates instead of throwing: one spec's out-of-range duration must not stop the pass for
     * every workload (SpecCheck refuses it before it reaches Docker).
     */
    private static long nanos(long millis) {
        if (millis > MAX_MILLIS || millis < -MAX_MILLIS) {
            return millis > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return Duration.ofMillis(millis).toNanos();
    }

    /** Where the n-th secret directory is bound from; "" for a UID no path can hold (SpecCheck refuses it). */
    private static String secretDirectory(SecretLayout secrets, String uid, int n) {
        try {
            return secrets.directory(uid, n).toString();
        } catch (java.nio.file.InvalidPathException e) {
            return "";
        }
    }
}
