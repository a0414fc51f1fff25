package io.kdop.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryLockTest {

    @Test
    void oneHolderAtATimeWhoseProcessTheFileNames(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        Optional<StateDirectoryLock> first = StateDirectoryLock.tryAcquire(dir);
        assertThat(first).isPresent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(StateDirectoryLock.holder(dir)).contains(String.valueOf(ProcessHandle.current().pid()));

        assertThat(StateDirectoryLock.tryAcquire(dir)).as("a second agent on the same directory").isEmpty();

        first.get().close();
        try (StateDirectoryLock again = StateDirectoryLock.tryAcquire(dir).orElseThrow()) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void theLockFileIsTheAgentsOwnSoTheDirectoryStaysPrivate() {
        assertThat(StateDirectory.isAgentFile(StateDirectoryLock.FILE_NAME)).isTrue();
        assertThat(StateDirectory.isAgentFile("join-token")).isTrue();
    }
}
