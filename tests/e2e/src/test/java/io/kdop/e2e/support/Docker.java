package io.kdop.e2e.support;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/** The real Docker daemon the tests run against, queried through the docker CLI as a user would. */
public final class Docker {

    private Docker() {}

    /**
     * Fails (in CI) or skips (on a developer machine without Docker) when no daemon answers. CI
     * must never skip these tests silently: .ci/run starts dockerd before the tests.
     */
    public static void requireDaemon() {
        boolean reachable = run("docker", "version", "--format", "{{.Server.Version}}").exit == 0;
        if (!reachable && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but no Docker daemon answers: .ci/run must start dockerd");
        }
        Assumptions.assumeTrue(reachable, "no Docker daemon reachable (set CI=true to make this a failure)");
    }

    /**
     * Fails (in CI, which runs as root) or skips (on a developer's machine) when the tests do not
     * run as root, which {@code what} needs (a dockerd of its own, network namespaces).
     */
    public static void requireRoot(String what) {
        boolean root = "0".equals(run("id", "-u").output().strip());
        if (!root && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but not root: " + what + " needs root");
        }
        Assumptions.assumeTrue(root, what + " needs root");
    }

    public static String serverVersion() {
        Result r = run("docker", "version", "--format", "{{.Server.Version}}");
        if (r.exit != 0) {
            throw new AssertionError("docker version failed: " + r.output);
        }
        return r.output.strip();
    }

    /** A finished docker CLI call. */
    public record Result(int exit, String output) {}

    /** Runs a docker CLI command with a deadline that fires; output is stdout followed by stderr. */
    public static Result run(String... command) {
        Cli.Result r = Cli.run(Duration.ofSeconds(60), command);
        return new Result(r.exit(), r.stdout() + r.stderr());
    }
}
