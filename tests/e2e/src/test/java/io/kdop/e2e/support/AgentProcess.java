package io.kdop.e2e.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An edge agent as a separate process, with its own state directory, talking to the real Docker daemon. */
public final class AgentProcess extends JavaProcess {

    private AgentProcess(List<String> args, Path log) {
        super("agent", Repository.jar("kdop.agent.jar", "edge-agent/target/kdop-edge-agent.jar"), args,
                Map.of(), log);
    }

    /** {@code edge-agent join --hub ... [--token ...] --state-dir ...}; a null token means "use the stored identity". */
    public static AgentProcess join(String hubAddress, String token, Path stateDir, Path log) {
        List<String> args = new ArrayList<>(List.of("join", "--hub", hubAddress, "--state-dir", stateDir.toString(),
                "--max-backoff", "2s"));
        if (token != null) {
            args.addAll(List.of("--token", token));
        }
        return new AgentProcess(args, log);
    }
}
