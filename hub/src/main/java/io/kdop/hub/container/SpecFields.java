package io.kdop.hub.container;

import io.fabric8.kubernetes.api.model.Quantity;
import io.kdop.hub.api.GoDurations;
import io.kdop.proto.v1.PortBinding;
import io.kdop.proto.v1.RestartPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the string-typed fields of a DockerContainer; each throws IllegalArgumentException with a user-facing message. */
final class SpecFields {

    private static final Pattern PORT = Pattern.compile(
            "^(?:(?:(?<ip>\\[[0-9a-fA-F:]+]|\\d{1,3}(?:\\.\\d{1,3}){3}):)?(?<host>\\d{1,5}):)?(?<container>\\d{1,5})"
                    + "(?:/(?<proto>tcp|udp))?$");

    /** Docker keeps durations as int64 nanoseconds (the agent converts the milliseconds it gets). */
    private static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    private SpecFields() {}

    /** {@code [hostIP:]hostPort:containerPort[/proto]} or {@code containerPort[/proto]} (Docker picks the host port). */
    static PortBinding port(String text) {
        Matcher m = text == null ? null : PORT.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("port \"" + text + "\" is not [hostIP:]hostPort:containerPort[/tcp|udp]");
        }
        int container = portNumber(m.group("container"), text);
        int host = m.group("host") == null ? 0 : portNumber(m.group("host"), text);
        String ip = m.group("ip") == null ? "" : m.group("ip").replace("[", "").replace("]", "");
        if (!ip.isEmpty() && !ip.contains(":")) {
            for (String octet : ip.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("port \"" + text + "\": " + ip + " is not an IPv4 address");
                }
            }
        }
        return PortBinding.newBuilder().setHostIp(ip).setHostPort(host).setContainerPort(container)
                .setProtocol(m.group("proto") == null ? "tcp" : m.group("proto")).build();
    }

    private static int portNumber(String digits, String text) {
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port \"" + text + "\": " + port + " is not between 1 and 65535");
        }
        return port;
    }

    /** A restart policy in Docker or Kubernetes spelling, any case. */
    record Restart(RestartPolicy policy, int maxRetries) {}

    static Restart restartPolicy(String text) {
        if (text == null || text.isBlank()) {
            return new Restart(RestartPolicy.RESTART_ALWAYS, 0);
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("on-failure:")) {
            try {
                int retries = Integer.parseInt(t.substring("on-failure:".length()));
                if (retries < 0) {
                    throw new IllegalArgumentException("restartPolicy \"" + text + "\": the retry count must not be negative");
                }
                return new Restart(RestartPolicy.RESTART_ON_FAILURE, retries);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("restartPolicy \"" + text + "\": the retry count must be a number");
            }
        }
        return switch (t) {
            case "always" -> new Restart(RestartPolicy.RESTART_ALWAYS, 0);
            case "no", "never" -> new Restart(RestartPolicy.RESTART_NO, 0);
            case "on-failure", "onfailure" -> new Restart(RestartPolicy.RESTART_ON_FAILURE, 0);
            case "unless-stopped", "unlessstopped" -> new Restart(RestartPolicy.RESTART_UNLESS_STOPPED, 0);
            default -> throw new IllegalArgumentException("restartPolicy \"" + text + "\" is not one of always, "
                    + "unless-stopped, on-failure[:N], no (Docker) or Always, OnFailure, Never (Kubernetes)");
        };
    }

    /** CPUs as a Kubernetes quantity (0.5, 500m, 2) in Docker's NanoCpus. */
    static long nanoCpus(String text) {
        BigDecimal cpus = quantity(text, "cpuLimit");
        long nanos = exactLong(cpus.multiply(BigDecimal.valueOf(1_000_000_000L)), "cpuLimit", text);
        if (nanos < 1_000_000) {
            throw new IllegalArgumentException("cpuLimit \"" + text + "\" is below Docker's minimum of 0.001 CPU");
        }
        return nanos;
    }

    /** Memory as a Kubernetes quantity (256Mi, 1Gi, 512M) in bytes. */
    static long memoryBytes(String text) {
        long bytes = exactLong(quantity(text, "memoryLimit"), "memoryLimit", text);
        if (bytes < 6 * 1024 * 1024) {
            String hint = text.strip().endsWith("m") ? " (in Kubernetes quantities m means milli: write 512Mi or 512M)" : "";
            throw new IllegalArgumentException("memoryLimit \"" + text + "\" is below Docker's minimum of 6Mi" + hint);
        }
        return bytes;
    }

    /** The whole part; more than a long holds is refused, never wrapped around into another amount. */
    private static long exactLong(BigDecimal amount, String field, String text) {
        if (amount.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is larger than Docker can take");
        }
        return amount.longValue();
    }

    private static BigDecimal quantity(String text, String field) {
        try {
            BigDecimal amount = Quantity.getAmountInBytes(new Quantity(text.strip()));
            if (amount.signum() <= 0) {
                throw new IllegalArgumentException(field + " \"" + text + "\" must be positive");
            }
            return amount;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(field)) {
                throw e;
            }
            throw new IllegalArgumentException(field + " \"" + text + "\" is not a quantity such as "
                    + ("cpuLimit".equals(field) ? "0.5 or 500m" : "256Mi or 1Gi"));
        } catch (ArithmeticException | NullPointerException e) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not a quantity");
        }
    }

    static Duration duration(String text, String field) {
        Duration d;
        try {
            d = GoDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " " + e.getMessage());
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + " \"" + text + "\" must not be negative");
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is longer than Docker's limit of about 292 years");
        }
        return d;
    }

    static void absolutePath(String path, String field) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException(field + " \"" + path + "\" must be an absolute path");
        }
        if (path.indexOf('\0') >= 0) {
            // no file system path holds one; the agent's Path.of refused it with an exception
            throw new IllegalArgumentException(field + " \"" + path.replace("\0", "\\0") + "\" contains a NUL character");
        }
        for (String segment : path.split("/")) {
            if ("..".equals(segment)) {
                throw new IllegalArgumentException(field + " \"" + path + "\" must not contain ..");
            }
        }
    }
}
