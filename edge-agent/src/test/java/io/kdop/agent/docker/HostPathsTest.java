package io.kdop.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathsTest {

    @Test
    void linksAlongThePathAreFollowedAsDockerWouldFollowThem(@TempDir Path tmp) throws Exception {
        Path root = tmp.toRealPath();
        Path data = Files.createDirectories(root.resolve("srv/data"));
        Files.createDirectories(root.resolve("srv/other"));
        Files.createSymbolicLink(data.resolve("escape"), Path.of("/etc"));
        Files.createSymbolicLink(data.resolve("relative"), Path.of("../other"));
        Files.createSymbolicLink(data.resolve("dangling"), root.resolve("missing/dir"));
        Files.createSymbolicLink(data.resolve("loop"), data.resolve("loop"));

        assertThat(HostPaths.resolve(data + "/escape")).isEqualTo("/etc");
        assertThat(HostPaths.resolve(data + "/escape/cron.d")).isEqualTo("/etc/cron.d");
        assertThat(HostPaths.resolve(data + "/relative/x")).isEqualTo(root + "/srv/other/x");
        assertThat(HostPaths.resolve(data + "/dangling")).as("Docker creates the directory where the link points")
                .isEqualTo(root + "/missing/dir");
        assertThat(HostPaths.resolve(data + "/escape/../passwd")).as("'..' climbs from the link's target")
                .isEqualTo("/passwd");
        assertThat(HostPaths.resolve(data + "/new/./dir/")).as("what does not exist is taken as written")
                .isEqualTo(root + "/srv/data/new/dir");
        assertThat(HostPaths.resolve(data + "/loop")).as("a loop comes back as given").isEqualTo(data + "/loop");
    }
}
