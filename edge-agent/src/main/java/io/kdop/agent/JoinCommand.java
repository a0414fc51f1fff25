package io.kdop.agent;

import ch.qos.logback.classic.Level;
import io.kdop.agent.docker.LocalReconciler;
import io.kdop.agent.session.Agent;
import io.kdop.agent.session.AgentConfig;
import io.kdop.agent.session.AgentExit;
import io.kdop.agent.session.Durations;
import io.kdop.agent.session.HubAddress;
import io.kdop.agent.session.SessionTimings;
import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.docker.DockerInspector;
import io.kdop.proto.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code join}: joins the hub with a token (once), then keeps the session with it running. */
@Command(
        name = "join",
        mixinStandardHelpOptions = true,
        versionProvider = AgentVersion.class,
        sortOptions = false,
        description = {
            "Joins the hub with a join token, stores the identity it gets, keeps a session with the hub, and keeps"
                    + " this host's containers as the hub declares them, also while the hub is unreachable.",
            "",
            "Run again later without a token to reuse the stored identity (and hub address); run again with"
                    + " the same token and it is not used twice; a different token joins again and replaces"
                    + " the identity.",
            "",
            "Give the token in $KDOP_JOIN_TOKEN (recommended: other users cannot read a process's environment,"
                    + " but they see its command line), or with --token-file or --token; one of them, not several.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped (SIGTERM)",
            "1:other fatal error",
            "2:usage error or malformed token",
            "3:the hub is not the one the token pins (its CA does not match the pinned hash, its certificate"
                    + " does not name the --hub host or does not verify against that CA, or it sent a CA bundle"
                    + " without that CA)",
            "4:refused for good (token unknown, invalid, expired or used; host revoked; identity mismatch;"
                    + " CSR invalid; client certificate expired; CA_RETIRED, its certificate's CA retired by a CA"
                    + " rotation before the agent renewed)",
            "5:another agent is using the state directory",
            "6:another agent with this identity is connected (the hub refused this one with IDENTITY_IN_USE for"
                    + " --duplicate-identity-timeout)"
        })
final class JoinCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(JoinCommand.class);
    static final String TOKEN_ENV = "KDOP_JOIN_TOKEN";

    /** The root log levels --log-level accepts. */
    enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    @Option(names = "--hub", paramLabel = "HOST:PORT",
            description = "The hub's gRPC endpoint. Optional when a stored identity names it.")
    String hub;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Join token kdop1.<ca-hash>.<id>.<secret>. Visible to other users in the process list:"
                    + " prefer $" + TOKEN_ENV + " (recommended) or --token-file.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the join token from this file.")
    Path tokenFile;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/kdop-agent",
            description = "Where the identity and the desired state are kept. Made 0700, also when it exists,"
                    + " unless it holds other files than the agent's (then it is left as it is; the agent's own"
                    + " files are 0600 either way). Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--docker-host", paramLabel = "URI",
            defaultValue = "${env:DOCKER_HOST:-unix:///var/run/docker.sock}",
            description = "The local Docker daemon. Default: $DOCKER_HOST, else unix:///var/run/docker.sock.")
    String dockerHost;

    /** Set in the agent's image, whose join command mounts the host's "/" there. */
    static final String HOST_ROOT_ENV = "KDOP_HOST_ROOT";

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "${env:" + HOST_ROOT_ENV + ":-/}",
            description = "Where the agent sees the Docker host's / : it resolves the host paths of volume mounts"
                    + " there, symbolic links included, before allowing them. / when the agent runs on the host;"
                    + " in a container, mount the host's / read-only at a directory and name it here (the agent's"
                    + " image defaults to /host, which its join command mounts). Default: $" + HOST_ROOT_ENV
                    + ", else /.")
    Path hostRoot;

    @Option(names = "--max-backoff", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "The longest wait between reconnection attempts (e.g. 500ms, 30s, 5m). Default: ${DEFAULT-VALUE}.")
    Duration maxBackoff;

    @Option(names = "--duplicate-identity-timeout", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How long the agent keeps trying while the hub refuses it because another agent with the"
                    + " same identity (a copy of this state directory on another machine) is connected; then it"
                    + " exits with code 6. Keep it above twice the hub's heartbeat interval. Default: ${DEFAULT-VALUE}.")
    Duration duplicateIdentityTimeout;

    @Option(names = "--resync-interval", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How often the agent compares every managed container with the desired state in full"
                    + " (drift detection), besides reacting to Docker events within about a second."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration resyncInterval;

    @Option(names = "--job-backoff", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long a DockerJob waits after its first failed attempt before the next one; the wait"
                    + " doubles after every further failure, up to --job-backoff-max. Default: ${DEFAULT-VALUE}.")
    Duration jobBackoff;

    @Option(names = "--job-backoff-max", paramLabel = "DURATION", defaultValue = "6m",
            converter = DurationConverter.class,
            description = "The longest wait between two attempts of a DockerJob. Default: ${DEFAULT-VALUE}.")
    Duration jobBackoffMax;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "ERROR, WARN, INFO, DEBUG or TRACE. Default: ${DEFAULT-VALUE}.")
    LogLevel logLevel;

    private final UnaryOperator<String> env;

    JoinCommand() {
        this(System::getenv);
    }

    JoinCommand(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(logLevel.name()));
        try {
            AgentConfig config = new AgentConfig(hubAddress(), joinToken(), stateDir, AgentConfig.INITIAL_BACKOFF,
                    maxBackoff, AgentVersion.current(), duplicateIdentityTimeout);
            LOG.info("kdop-edge-agent {} starting (state in {}, Docker at {}, the host's / at {})", AgentVersion.current(),
                    stateDir, dockerHost, hostRoot);
            try (DockerInspector docker = new DockerInspector(dockerHost)) {
                runUntilStopped(new Agent(config, docker, SessionTimings.DEFAULT, Clock.systemUTC(),
                        RandomGenerator.getDefault(), LocalReconciler.starter(dockerHost, stateDir, hostRoot, resyncInterval,
                                new Backoff(jobBackoff, jobBackoffMax))));
            }
            return 0;
        } catch (AgentExit e) {
            LOG.error(e.getMessage());
            return e.code();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            LOG.error("fatal: {}", e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.debug("fatal error", e);
            return AgentExit.FATAL;
        }
    }

    /**
     * Runs the agent; SIGTERM stops it cleanly and the JVM exits 0 (the hook halts with 0 once the
     * agent returned, because a JVM ended by a signal otherwise exits 143).
     */
    private static void runUntilStopped(Agent agent) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("stopping");
            agent.stop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(0);
        }, "kdop-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it exits with 0 once we signal that the agent returned
            }
            finished.countDown();
        }
    }

    /**
     * The text of a --token-file; empty when the file is gone. The token is spent at the first
     * join, and a service that always passes the file must keep starting after someone deleted it
     * (without a stored identity, the agent then says that it needs a token).
     */
    static Optional<String> tokenFromFile(Path file) throws AgentExit {
        if (!Files.exists(file)) {
            LOG.warn("--token-file {} does not exist; going on with the stored identity, if there is one", file);
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AgentExit(AgentExit.USAGE, "cannot read --token-file " + file + ": " + e.getMessage());
        }
    }

    private Optional<HubAddress> hubAddress() throws AgentExit {
        try {
            return Optional.ofNullable(hub).map(HubAddress::parse);
        } catch (IllegalArgumentException e) {
            throw new AgentExit(AgentExit.USAGE, e.getMessage());
        }
    }

    private Optional<JoinToken> joinToken() throws AgentExit {
        String fromEnv = env.apply(TOKEN_ENV);
        boolean inEnv = fromEnv != null && !fromEnv.isBlank(); // an empty variable counts as unset
        int sources = (token != null ? 1 : 0) + (tokenFile != null ? 1 : 0) + (inEnv ? 1 : 0);
        if (sources > 1) {
            // which one would win is not obvious: refuse rather than join with the wrong one
            throw new AgentExit(AgentExit.USAGE, "give the join token once: $" + TOKEN_ENV
                    + " (recommended), --token-file or --token, not several");
        }
        String text = inEnv ? fromEnv : token;
        if (tokenFile != null) {
            text = tokenFromFile(tokenFile).orElse(null);
        }
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JoinToken.parse(text)); // its messages never repeat the token
        } catch (IllegalArgumentException e) {
            throw new AgentExit(AgentExit.USAGE, e.getMessage());
        }
    }

    /** Lets picocli read {@code 500ms}, {@code 30s}, {@code 5m}. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }
}
