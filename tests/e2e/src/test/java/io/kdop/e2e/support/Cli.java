package io.kdop.e2e.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line program run as a user types it (docker, kubectl, helm): exit code and output.
 * Output goes to files, so a chatty program never blocks on a full pipe and the deadline can
 * always fire.
 */
public final class Cli {

    /** Exit code of a program that did not finish before its deadline (it was killed). */
    public static final int TIMED_OUT = -1;

    private Cli() {}

    /** A finished command: stdout and stderr apart, as a shell redirect would split them. */
    public record Result(List<String> command, int exit, String stdout, String stderr) {

        public boolean ok() {
            return exit == 0;
        }

        /** stdout, or an AssertionError that shows what was run and everything it said. */
        public String orFail() {
            if (exit != 0) {
                throw new AssertionError(this);
            }
            return stdout;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + (exit == TIMED_OUT ? "(timed out)" : exit)
                    + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    public static Result run(Duration timeout, String... command) {
        return run(Map.of(), null, timeout, List.of(command));
    }

    /** Runs the command with extra environment variables and, if not null, the text on its standard input. */
    public static Result run(Map<String, String> env, String stdin, Duration timeout, List<String> command) {
        File out = null;
        File err = null;
        try {
            out = File.createTempFile("kdop-cli", ".out");
            err = File.createTempFile("kdop-cli", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
            builder.environment().putAll(env);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process process = builder.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            int exit;
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = process.exitValue();
            } else {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                exit = TIMED_OUT;
            }
            return new Result(command, exit, Files.readString(out.toPath()), Files.readString(err.toPath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            if (out != null) {
                out.delete();
            }
            if (err != null) {
                err.delete();
            }
        }
    }
}
