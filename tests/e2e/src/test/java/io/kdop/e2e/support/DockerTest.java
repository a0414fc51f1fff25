package io.kdop.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The docker CLI runner's deadline fires, whatever the command does with its output. */
class DockerTest {

    @Test
    @Timeout(30)
    void aCommandThatHangsIsKilledAtItsDeadlineAndFailsTheTestSayingSo() {
        long start = System.nanoTime();

        // the sleep holds the shell's stdout open: a runner that reads to the end before it waits hangs here
        AssertionError hung = catchThrowableOfType(AssertionError.class,
                () -> Docker.run(Duration.ofSeconds(1), "sh", "-c", "echo started; sleep 60"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("killed at its deadline")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(hung).as("a hung command fails the test").isNotNull();
        assertThat(hung.getMessage()).contains("sh -c echo started; sleep 60 did not finish within 1 s and was killed")
                .contains("started");
    }

    @Test
    @Timeout(30)
    void aCommandThatSaysMuchFinishesWithAllOfIt() {
        // more than a pipe holds: a runner that waits before it reads would never see this end
        Docker.Result r = Docker.run(Duration.ofSeconds(20), "sh", "-c",
                "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo done >&2");

        assertThat(r.exit()).isZero();
        assertThat(r.output()).hasSize(1_000_000 + "\ndone\n".length()).endsWith("x\ndone\n");
    }

    @Test
    void aCommandThatFailsIsAnOrdinaryResult() {
        Docker.Result r = Docker.run(Duration.ofSeconds(20), "sh", "-c", "echo nope >&2; exit 3");

        assertThat(r).isEqualTo(new Docker.Result(3, "nope\n"));
    }
}
