package io.kdop.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    public static String serverVersion() {
        Result r = run("docker", "version", "--format", "{{.Server.Version}}");
        if (r.exit != 0) {
            throw new AssertionError("docker version failed: " + r.output);
        }
        return r.output.strip();
    }

    /** A finished docker CLI call. */
    public record Result(int exit, String output) {}

    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
