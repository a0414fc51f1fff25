package io.kdop.engine.plan;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a canonical form of the container-defining fields of a {@link ContainerSpec},
 * kept in the container's {@code kdop.io.vn/spec-hash} label: a different hash means the
 * container must be created again.
 *
 * <p>In: container name, image, command, entrypoint, env (names and values: a value from a
 * Secret that changes recreates the container, the process cannot see it otherwise), ports,
 * restart policy (and max retries for on-failure), host mounts, secret file mounts (Secret name
 * and mount path, in order, since the order numbers the directories on the host), network mode,
 * health check, resources.
 *
 * <p>Out: secret file names and contents (they change in place, without a restart), registry
 * credentials and pull policy (they do not change the container), the workload reference (the
 * containers of a workload are found by its UID label), the {@code from_secret} flag of env vars
 * (moving a value into a Secret does not change the container).
 *
 * <p>Order: kept where Docker gives it meaning (command, entrypoint, health check test, secret
 * mounts); sorted where it has none (ports; mounts by container path; env by name, stable, so
 * duplicates of one name keep their order, which decides which value a process sees). Enum values
 * go in by name and defaults are normalized ("tcp"), so an equal container hashes equal whatever
 * the hub's serialization. Fields a newer hub adds are not in the hash until this agent knows them.
 */
public final class SpecHash {

    private static final String VERSION = "kdop-spec/v1";

    private SpecHash() {}

    /** The hash, 64 lower-case hex digits. */
    public static String of(ContainerSpec spec) {
        Canonical c = new Canonical();
        c.text("version", VERSION);
        c.text("name", spec.getContainerName());
        c.text("image", spec.getImage());
        c.list("command", spec.getCommandList());
        c.list("entrypoint", spec.getEntrypointList());
        c.list("env", spec.getEnvList().stream()
                .sorted(Comparator.comparing(EnvVar::getName))
                .map(e -> e.getName() + "=" + e.getValue())
                .toList());
        c.list("ports", spec.getPortsList().stream()
                .map(p -> new PortMapping(p.getHostIp(), p.getHostPort(), p.getContainerPort(), p.getProtocol()))
                .sorted()
                .map(p -> p.hostIp() + "|" + p.hostPort() + "|" + p.containerPort() + "|" + p.protocol())
                .toList());
        c.text("restart", spec.getRestartPolicy().name());
        c.number("maxRetries", spec.getRestartPolicy() == RestartPolicy.RESTART_ON_FAILURE ? spec.getMaxRestartCount() : 0);
        c.list("mounts", spec.getMountsList().stream()
                .sorted(Comparator.comparing(HostMount::getContainerPath))
                .map(m -> m.getHostPath() + "|" + m.getContainerPath() + "|" + m.getReadOnly())
                .toList());
        c.list("secretMounts", spec.getSecretFilesList().stream()
                .map(s -> s.getSecretName() + "|" + s.getMountPath())
                .toList());
        c.text("network", spec.getNetworkMode());
        if (spec.hasHealthCheck()) {
            var h = spec.getHealthCheck();
            c.list("health.test", h.getTestList());
            c.number("health.interval", h.getIntervalMillis());
            c.number("health.timeout", h.getTimeoutMillis());
            c.number("health.retries", h.getRetries());
            c.number("health.startPeriod", h.getStartPeriodMillis());
        } else {
            c.text("health", "image");
        }
        c.number("nanoCpus", spec.getResources().getNanoCpus());
        c.number("memory", spec.getResources().getMemoryBytes());
        return HexFormat.of().formatHex(c.digest());
    }

    /**
     * The hash of everything an attempt to (re)create the container depends on: the spec hash plus
     * the pull policy and the registry credentials. A failed attempt is retried at once, without
     * waiting out its backoff, when this changes (e.g. a fixed pull secret). Only ever compared in
     * memory; the credentials go in hashed.
     */
    public static String attempt(ContainerSpec spec) {
        Canonical c = new Canonical();
        c.text("spec", of(spec));
        c.text("pull", spec.getPullPolicy().name());
        c.list("credentials", spec.getRegistryCredentialsList().stream()
                .map(r -> r.getServer() + "|" + r.getUsername() + "|" + r.getPassword())
                .toList());
        return HexFormat.of().formatHex(c.digest());
    }

    /** Fields as {@code tag len:value}; every string length-prefixed, so no two specs write the same bytes. */
    private static final class Canonical {
        private final MessageDigest sha;

        Canonical() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        void text(String tag, String value) {
            raw(tag);
            raw(value);
        }

        void number(String tag, long value) {
            text(tag, Long.toString(value));
        }

        void list(String tag, List<String> values) {
            raw(tag);
            raw(Integer.toString(values.size()));
            values.forEach(this::raw);
        }

        private void raw(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
        }

        byte[] digest() {
            return sha.digest();
        }
    }
}
