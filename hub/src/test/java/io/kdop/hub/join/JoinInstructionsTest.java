package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JoinInstructionsTest {

    private final JoinInstructions instructions = new JoinInstructions("hub.example.org:30000", "kdop/edge-agent:1.2.3");
    private final JoinToken token = JoinToken.parse("kdop1." + "ab".repeat(32) + ".abcdef12.0123456789abcdef0123456789abcdef");

    @Test
    void everyFormIsOneLineThatTheShellParsesAndNoneHasTheTokenOnACommandLineOrInDockersConfig() throws Exception {
        for (String line : new String[] {instructions.jarCommand(token), instructions.dockerCommand(token),
                instructions.systemdCommand(token)}) {
            assertThat(line).doesNotContain("\n");
            assertThat(line).as("kept out of bash's history by a leading space").startsWith(" ").doesNotStartWith("  ");
            assertThat(sh("-n", "-c", line).exit).as(line).isZero();
            assertThat(line).doesNotContain("--token ").doesNotContain("-e KDOP_JOIN_TOKEN");
        }
        assertThat(instructions.dockerCommand(token)).as("the host's / for resolving host mounts")
                .contains(" -v /:/host:ro ", " --host-root /host ");
        assertThat(instructions.systemdCommand(token)).contains("systemctl enable --now kdop-agent")
                .contains("docker cp kdop-agent-install:/opt/java /opt/kdop-agent/java");
    }

    @Test
    void theUnitThePastedLineWritesIsTheUnitExactly() throws Exception {
        String unit = instructions.systemdUnit(JoinInstructions.INSTALL_DIR);
        assertThat(sh("-c", JoinInstructions.printf(unit)).out).isEqualTo(unit);
        String awkward = "a 'quoted' %s 100% \\n back\\slash\nsecond line\n";
        assertThat(sh("-c", JoinInstructions.printf(awkward)).out).isEqualTo(awkward);
    }

    @Test
    void theUnitRestartsTheAgentExceptAfterARefusalForGood() {
        String unit = instructions.systemdUnit("/opt/kdop-agent");
        assertThat(unit).contains("ExecStart=/opt/kdop-agent/java/bin/java -Xms8m",
                "-jar /opt/kdop-agent/kdop-edge-agent.jar join --hub hub.example.org:30000 --state-dir /var/lib/kdop-agent"
                        + " --token-file /var/lib/kdop-agent/join-token",
                "Restart=always", "RestartPreventExitStatus=2 3 4 6", "WantedBy=multi-user.target");
        // the agent must see /tmp and /home as Docker does to resolve workloads' host paths
        assertThat(unit).contains("ProtectHome=read-only").doesNotContain("PrivateTmp").doesNotContain("ProtectHome=yes");
    }

    private record Shell(int exit, String out) {}

    private static Shell sh(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "/bin/sh";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Shell(p.exitValue(), out);
    }
}
