package io.kdop.engine.plan;

import io.kdop.engine.secrets.SecretMounts;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HealthCheck;
import io.kdop.proto.v1.HostMount;
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
 * @param mountProblem why a host mount may not be made (see {@link MountGuard}); such a spec is never created
 */
public record DesiredContainer(ContainerSpec spec, String name, ContainerConfig config, Map<String, String> labels,
        String specHash, String attemptKey, java.util.Optional<String> mountProblem) {

    /** The longest duration Docker's int64 nanoseconds hold, in the milliseconds the hub sends. */
    static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000;

    public DesiredContainer {
        labels = Map.copyOf(labels);
    }

    /**
     * The container of a spec.
     *
     * @param mounts decides whether the spec's host mounts may be made (the reason lands in
     *     {@link #mountProblem}) and the resolved host paths they are bound from: Docker mounts
     *     the path that was checked, not the text a link in it could make name something else
     */
    public static DesiredContainer of(ContainerSpec spec, String hostUid, SecretMounts secrets, MountGuard mounts) {
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

        MountGuard.Checked checked = mounts.check(spec.getMountsList());
        List<String> binds = new ArrayList<>();
        for (int n = 0; n < spec.getMountsCount(); n++) {
            HostMount m = spec.getMounts(n);
            // a refused spec is never created: its binds only have to be what it asked for
            String source = checked.problem().isPresent() ? m.getHostPath() : checked.sources().get(n);
            binds.add(ContainerConfig.bind(source, m.getContainerPath(), m.getReadOnly()));
        }
        for (int n = 0; n < spec.getSecretFilesCount(); n++) {
            binds.add(ContainerConfig.bind(secrets.source(w.getUid(), n),
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
                checked.problem());
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
}
