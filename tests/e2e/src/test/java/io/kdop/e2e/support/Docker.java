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

    /** Far beyond any healthy docker CLI call here, and well within a test's own time limit. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    /**
     * Runs a docker CLI command with a deadline that fires; output is stdout followed by stderr. A
     * command still running at the deadline (a hung daemon) is killed and fails the test, saying so.
     */
    public static Result run(String... command) {
        return run(DEADLINE, command);
    }

    static Result run(Duration deadline, String... command) {
        Cli.Result r = Cli.run(deadline, command);
        if (r.exit() == Cli.TIMED_OUT) {
            // not a Result: an exit code of -1 would read as an ordinary failure (or, to
            // DockerCli.inspect, as "no such container") and hide that nothing answered
            throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline.toSeconds()
                    + " s and was killed (is the Docker daemon hung?)\n--- stdout:\n" + r.stdout()
                    + "\n--- stderr:\n" + r.stderr());
        }
        return new Result(r.exit(), r.stdout() + r.stderr());
    }
}
