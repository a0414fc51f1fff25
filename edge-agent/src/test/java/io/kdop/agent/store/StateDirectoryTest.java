package io.kdop.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

    @TempDir
    Path parent;

    private static String mode(Path dir) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
    }

    private Path dir(String name, String mode) throws Exception {
        Path dir = Files.createDirectory(parent.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    @Test
    void tightensAnExistingDirectoryOfItsOwn() throws Exception {
        Path empty = dir("empty", "rwxr-xr-x");
        assertThat(StateDirectory.secure(empty)).isEqualTo(StateDirectory.Outcome.TIGHTENED);
        assertThat(mode(empty)).isEqualTo("rwx------");
        assertThat(StateDirectory.secure(empty)).isEqualTo(StateDirectory.Outcome.ALREADY_PRIVATE);

        Path used = dir("used", "rwxrwxr-x");
        Files.createDirectory(used.resolve("identity"));
        Files.createDirectory(used.resolve(StateDirectory.SECRETS_DIRECTORY));
        Files.writeString(used.resolve(DesiredStateStore.FILE_NAME), "x");
        Files.writeString(used.resolve(DesiredStateStore.FILE_NAME + ".corrupt-1"), "x");
        assertThat(StateDirectory.secure(used)).isEqualTo(StateDirectory.Outcome.TIGHTENED);
        assertThat(mode(used)).isEqualTo("rwx------");
    }

    @Test
    void leavesASharedDirectoryAlone() throws Exception {
        Path shared = dir("shared", "rwxrwxrwx");
        Files.writeString(shared.resolve("someone-elses.txt"), "x");
        assertThat(StateDirectory.secure(shared)).isEqualTo(StateDirectory.Outcome.SHARED_LEFT_ALONE);
        assertThat(mode(shared)).isEqualTo("rwxrwxrwx");
    }

    @Test
    void doesNotCreateAMissingDirectory() throws Exception {
        Path missing = parent.resolve("missing");
        assertThat(StateDirectory.secure(missing)).isEqualTo(StateDirectory.Outcome.ABSENT);
        assertThat(missing).doesNotExist();
    }
}
