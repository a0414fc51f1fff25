package io.kdop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
        assertThat(stateDir).isEmptyDirectory();
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
    void badOptionsExit2() {
        assertThat(join(Map.of(), "--hub", "no-port")).isEqualTo(2);
        assertThat(join(Map.of(), "--max-backoff", "soon")).isEqualTo(2);
        assertThat(join(Map.of(), "--log-level", "LOUD")).isEqualTo(2);
    }
}
