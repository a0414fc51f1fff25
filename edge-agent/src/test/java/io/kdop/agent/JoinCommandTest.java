package io.kdop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.agent.session.AgentExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60) // a regression that retries forever fails instead of hanging the build
class JoinCommandTest {

    @TempDir
    Path stateDir;

    private int join(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new AgentCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == JoinCommand.class ? type.cast(new JoinCommand(env::get)) : CommandLine.defaultFactory().create(type);
            }
        });
        String[] all = new String[args.length + 3];
        all[0] = "join";
        all[1] = "--state-dir";
        all[2] = stateDir.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return cli.execute(all);
    }

    @Test
    void withoutTokenOrStoredIdentityExits2() {
        assertThat(join(Map.of())).isEqualTo(2);
        // nothing but the lock the agent held while it ran
        assertThat(stateDir).isDirectoryNotContaining(p -> !p.getFileName().toString().equals("agent.lock"));
    }

    @Test
    void makesAnExistingStateDirectoryPrivate() throws Exception {
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        join(Map.of());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir))).isEqualTo("rwx------");
    }

    @Test
    void malformedTokensExit2FromEverySource() throws Exception {
        assertThat(join(Map.of(), "--hub", "h:1", "--token", "kdop1.nothex.x.y")).isEqualTo(2);
        Path file = Files.writeString(stateDir.resolve("token"), "garbage\n");
        assertThat(join(Map.of(), "--hub", "h:1", "--token-file", file.toString())).isEqualTo(2);
        assertThat(join(Map.of("KDOP_JOIN_TOKEN", "kdop2.a.b.c"), "--hub", "h:1")).isEqualTo(2);
        assertThat(join(Map.of(), "--token", "a", "--token-file", file.toString())).isEqualTo(2);
    }

    @Test
    void aMissingTokenFileMeansTheStoredIdentityButAnUnreadableOneIsAUsageError() throws Exception {
        // the container and systemd forms always pass --token-file; the token is spent at the first join
        assertThat(JoinCommand.tokenFromFile(stateDir.resolve("join-token"))).isEmpty();
        Path file = Files.writeString(stateDir.resolve("join-token"), "kdop1.x\n");
        assertThat(JoinCommand.tokenFromFile(file)).contains("kdop1.x\n");
        assertThatThrownBy(() -> JoinCommand.tokenFromFile(stateDir)).isInstanceOf(AgentExit.class)
                .hasMessageContaining("cannot read --token-file");
    }

    @Test
    void aTokenGivenTwiceIsAUsageError() throws Exception {
        String token = "kdop1." + "a".repeat(64) + ".abcd1234." + "b".repeat(32);
        Path file = Files.writeString(stateDir.resolve("token"), token + "\n");
        assertThat(join(Map.of("KDOP_JOIN_TOKEN", token), "--hub", "h:1", "--token", token)).isEqualTo(2);
        assertThat(join(Map.of("KDOP_JOIN_TOKEN", token), "--hub", "h:1", "--token-file", file.toString())).isEqualTo(2);
        assertThat(stateDir.resolve("identity")).doesNotExist();
    }

    @Test
    void helpRecommendsTheEnvironmentForTheToken() {
        String help = new CommandLine(new AgentCommand()).getSubcommands().get("join").getUsageMessage();
        assertThat(help).contains("$KDOP_JOIN_TOKEN (recommended");
        assertThat(help).contains("--resync-interval=DURATION").contains("Default: 30s");
        assertThat(help).contains("--job-backoff=DURATION").contains("Default: 10s")
                .contains("--job-backoff-max=DURATION").contains("Default: 6m");
    }

    @Test
    void badOptionsExit2() {
        assertThat(join(Map.of(), "--hub", "no-port")).isEqualTo(2);
        assertThat(join(Map.of(), "--max-backoff", "soon")).isEqualTo(2);
        assertThat(join(Map.of(), "--log-level", "LOUD")).isEqualTo(2);
        assertThat(join(Map.of(), "--resync-interval", "often")).isEqualTo(2);
        assertThat(join(Map.of(), "--resync-interval", "0s")).isEqualTo(2);
        assertThat(join(Map.of(), "--job-backoff", "later")).isEqualTo(2);
        assertThat(join(Map.of(), "--job-backoff-max", "0s")).isEqualTo(2);
    }
}
