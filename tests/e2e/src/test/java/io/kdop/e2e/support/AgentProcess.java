package io.kdop.e2e.support;

import io.kdop.hub.join.JoinInstructions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An edge agent as a separate process, with its own state directory, talking to the real Docker
 * daemon, on the JVM options of the published join command.
 */
public final class AgentProcess extends JavaProcess {

    private static final String TOKEN_VARIABLE = "KDOP_JOIN_TOKEN";

    private AgentProcess(List<String> launcher, List<String> jvmOptions, List<String> args, Map<String, String> env,
            Path log) {
        super("agent", launcher, Repository.jar("kdop.agent.jar", "edge-agent/target/kdop-edge-agent.jar"), jvmOptions,
                args, env, log);
    }

    /**
     * {@code KDOP_JOIN_TOKEN=... edge-agent join --hub ... --state-dir ...}, as the published join
     * command runs it; a null token means "use the stored identity". Extra arguments are appended.
     */
    public static AgentProcess join(String hubAddress, String token, Path stateDir, Path log, String... extraArgs) {
        // the JVM options of the published join command: the tests run the agent as users do
        return joinWith(JoinInstructions.AGENT_JVM_OPTIONS, hubAddress, token, stateDir, log, extraArgs);
    }

    /** {@link #join} on a JVM started with the given options (a benchmark compares them). */
    public static AgentProcess joinWith(List<String> jvmOptions, String hubAddress, String token, Path stateDir,
            Path log, String... extraArgs) {
        return joinVia(List.of(), jvmOptions, hubAddress, token, stateDir, log, extraArgs);
    }

    /**
     * {@link #join} with the agent in a network namespace of its own: it reaches the hub only over
     * that namespace's link (which a test can cut), and Docker over its unix socket as before.
     */
    public static AgentProcess joinIn(NetworkNamespace namespace, String hubAddress, String token, Path stateDir,
            Path log, String... extraArgs) {
        return joinVia(namespace.launcher(), JoinInstructions.AGENT_JVM_OPTIONS, hubAddress, token, stateDir, log,
                extraArgs);
    }

    private static AgentProcess joinVia(List<String> launcher, List<String> jvmOptions, String hubAddress, String token,
            Path stateDir, Path log, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("join", "--hub", hubAddress, "--state-dir", stateDir.toString(),
                "--max-backoff", "2s"));
        args.addAll(List.of(extraArgs));
        return new AgentProcess(launcher, jvmOptions, args, token == null ? Map.of() : Map.of(TOKEN_VARIABLE, token),
                log);
    }
}
