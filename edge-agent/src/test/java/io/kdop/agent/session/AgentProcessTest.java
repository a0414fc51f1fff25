package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.proto.CaPin;
import io.kdop.proto.JoinToken;
import io.kdop.proto.v1.AgentMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as its own process: joins from the token in the environment, exits 0 on SIGTERM, leaks no secret. */
class AgentProcessTest {

    @TempDir
    Path dir;

    @Test
    void joinsRunsAndStopsCleanlyOnSigterm() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            JoinToken token = JoinToken.generate(CaPin.of(hub.ca.certificate()), new SecureRandom());
            Path log = dir.resolve("agent.log");
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"),
                    "io.kdop.agent.AgentCommand", "join",
                    "--hub", hub.address(),
                    "--state-dir", dir.resolve("state").toString(),
                    "--docker-host", "unix:///nonexistent/docker.sock"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("KDOP_JOIN_TOKEN", token.encode());
            Process agent = builder.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        hub.received.stream().anyMatch(m -> m.getKindCase() == AgentMessage.KindCase.ACK));
                agent.destroy(); // SIGTERM
                assertThat(agent.waitFor(15, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.exitValue()).isZero();
            } finally {
                agent.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat(output).contains("joined the hub").contains("Docker at unix:///nonexistent/docker.sock is unreachable");
            assertThat(output).doesNotContain(token.secret()).doesNotContain("PRIVATE KEY");
            String key = Files.readString(dir.resolve("state/identity/key.pem"));
            assertThat(output).doesNotContain(key.lines().skip(1).findFirst().orElseThrow());
        }
    }
}
