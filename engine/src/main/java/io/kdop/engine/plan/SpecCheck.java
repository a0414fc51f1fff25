package io.kdop.engine.plan;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HealthCheck;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks the agent makes itself before acting on a spec. The hub validates every spec, but
 * the agent turns some fields into paths on its own disk (the workload UID, secret file names),
 * so it refuses what could escape its secrets directory whatever the hub sent.
 */
public final class SpecCheck {

    private static final Pattern UID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private SpecCheck() {}

    /** Why the spec cannot be run, or empty when it can. */
    public static Optional<String> problem(ContainerSpec spec) {
        String uid = spec.getWorkload().getUid();
        if (!UID.matcher(uid).matches() || uid.contains("..")) {
            return Optional.of("the workload UID '" + printable(uid) + "' is not a valid UID");
        }
        if (!CONTAINER_NAME.matcher(spec.getContainerName()).matches()) {
            return Optional.of("'" + spec.getContainerName() + "' is not a valid Docker container name");
        }
        if (spec.getImage().isBlank()) {
            return Optional.of("no image");
        }
        for (HostMount m : spec.getMountsList()) {
            if (hasNul(m.getHostPath()) || hasNul(m.getContainerPath())) {
                return Optional.of("mount " + printable(m.getHostPath()) + " -> " + printable(m.getContainerPath())
                        + " has a NUL character in a path");
            }
            if (!m.getHostPath().startsWith("/") || !m.getContainerPath().startsWith("/")) {
                return Optional.of("mount " + m.getHostPath() + ":" + m.getContainerPath() + " is not between absolute paths");
            }
            if (m.getHostPath().contains(":") || m.getContainerPath().contains(":")) {
                // Docker's bind syntax separates with colons: such a path cannot be expressed
                return Optional.of("mount " + m.getHostPath() + " -> " + m.getContainerPath() + " has a colon in a path");
            }
        }
        for (SecretFiles s : spec.getSecretFilesList()) {
            if (!s.getMountPath().startsWith("/") || s.getMountPath().contains(":") || hasNul(s.getMountPath())) {
                return Optional.of("the mount path '" + printable(s.getMountPath()) + "' of Secret " + s.getSecretName()
                        + " is not an absolute path without colons");
            }
            for (SecretFile f : s.getFilesList()) {
                if (!validFileName(f.getName())) {
                    return Optional.of("the key '" + printable(f.getName()) + "' of Secret " + s.getSecretName()
                            + " is not a valid file name");
                }
            }
        }
        if (spec.hasHealthCheck()) {
            return healthProblem(spec.getHealthCheck());
        }
        return Optional.empty();
    }

    /** Docker takes durations as int64 nanoseconds, none negative, and no negative retry count. */
    private static Optional<String> healthProblem(HealthCheck h) {
        for (long millis : new long[] {h.getIntervalMillis(), h.getTimeoutMillis(), h.getStartPeriodMillis()}) {
            if (millis < 0 || millis > DesiredContainer.MAX_MILLIS) {
                return Optional.of("the health check's duration of " + millis + " ms is not between 0 and "
                        + DesiredContainer.MAX_MILLIS + " ms");
            }
        }
        if (h.getRetries() < 0) {
            return Optional.of("the health check's retry count " + h.getRetries() + " is negative");
        }
        return Optional.empty();
    }

    private static boolean hasNul(String path) {
        return path.indexOf('\0') >= 0;
    }

    /** The text for a message: a NUL would end it in C-based log viewers. */
    private static String printable(String text) {
        return text.replace("\0", "\\0");
    }

    /** A single path component: no separator, not "." or "..", no NUL. */
    static boolean validFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }
}
