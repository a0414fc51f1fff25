package io.kdop.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A container that is not there reads as null; a Docker that did not answer never does. */
class DockerCliTest {

    @Test
    void whatInspectSaidIsReadAsTheContainerItsAbsenceOrAFailure() {
        assertThat(DockerCli.inspected("web", new Docker.Result(0, "abc123\n"))).isEqualTo("abc123");
        // the CLI's words for `docker inspect`, and the daemon's for `docker container inspect`
        assertThat(DockerCli.inspected("web", new Docker.Result(1, "\nError: No such object: web\n"))).isNull();
        assertThat(DockerCli.inspected("web",
                new Docker.Result(1, "[]\nError response from daemon: No such container: web\n"))).isNull();

        assertThatThrownBy(() -> DockerCli.inspected("web", new Docker.Result(1,
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")))
                .isInstanceOf(AssertionError.class)
                .hasMessage("docker inspect web failed with exit code 1 (not \"no such container\"): Cannot connect"
                        + " to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
        assertThatThrownBy(() -> DockerCli.inspected("web", new Docker.Result(1, "Error: No such object: other\n")))
                .as("another container's absence says nothing about this one").isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> DockerCli.inspected("web", new Docker.Result(125, "No such object: web\n")))
                .as("only exit code 1 means not found").isInstanceOf(AssertionError.class);
    }

    @Test
    void aContainerThatIsNotThereHasNoId() {
        Docker.requireDaemon();

        assertThat(DockerCli.id("kdop-test-absent-" + UUID.randomUUID())).isNull();
    }

    @Test
    void aDaemonThatDoesNotAnswerFailsInsteadOfReadingAsNoContainer() {
        Docker.requireDaemon(); // for the docker CLI; the daemon asked below is one that is not there
        String container = "kdop-test-absent-" + UUID.randomUUID();
        Docker.Result down = Docker.run("docker", "--host", "unix:///nonexistent/docker.sock", "inspect", "--format",
                "{{.Id}}", container);

        assertThatThrownBy(() -> DockerCli.inspected(container, down)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed with exit code " + down.exit()).hasMessageContaining("Cannot connect");
    }
}
