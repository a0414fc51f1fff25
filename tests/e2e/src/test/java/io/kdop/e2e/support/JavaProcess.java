package io.kdop.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A hub or agent running as its own OS process from its jar, with stdout and stderr captured to a file. */
public class JavaProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final String name;

    private static final String UNSAFE_ALLOWED = "--sun-misc-unsafe-memory-access=allow";

    /** Small heaps: the machine has two cores and several of these run at once. */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    protected JavaProcess(String name, Path jar, List<String> args, Map<String, String> env, Path log) {
        this(name, jar, TEST_JVM_OPTIONS, args, env, log);
    }

    protected JavaProcess(String name, Path jar, List<String> jvmOptions, List<String> args, Map<String, String> env,
            Path log) {
        this(name, List.of(), jar, jvmOptions, args, env, log);
    }

    /**
     * @param launcher what runs the JVM (e.g. nsenter into a network namespace); it must exec the
     *     JVM in place, so that {@link #kill} and {@link #pid} reach the JVM itself
     */
    protected JavaProcess(String name, List<String> launcher, Path jar, List<String> jvmOptions, List<String> args,
            Map<String, String> env, Path log) {
        this.name = name;
        this.log = log;
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // netty uses sun.misc.Unsafe for its buffers; Java 25 warns unless allowed
        if (!jvmOptions.contains(UNSAFE_ALLOWED)) {
            command.add(UNSAFE_ALLOWED);
        }
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Nothing from the test runner's environment decides how a process behaves, only what the test passes.
        builder.environment().remove("KDOP_JOIN_TOKEN");
        builder.environment().remove("KDOP_LOG_LEVEL");
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return log;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operating system's process id, e.g. to read its memory from /proc. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the log contains the text; fails with the log if it does not appear in time. */
    public void awaitLog(String text, Duration timeout) {
        await(name + " logs '" + text + "'").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> log().contains(text));
    }

    /** Waits for the process to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "; log:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM, as systemd or docker stop would send; waits for the exit. */
    public int stop() {
        process.destroy();
        return awaitExit(Duration.ofSeconds(20));
    }

    /** SIGKILL: a crash or power cut. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
