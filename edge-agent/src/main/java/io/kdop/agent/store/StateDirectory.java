package io.kdop.agent.store;

import io.kdop.agent.identity.IdentityStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the agent's --state-dir private (0700) when it starts. A directory that already exists is
 * tightened too, unless it also holds files that are not the agent's: then it is a shared
 * directory (someone pointed --state-dir at /tmp or a home directory), and taking it away from its
 * other users would do more harm than good; every file the agent writes there is 0600 anyway.
 */
public final class StateDirectory {

    /** What {@link #secure} found and did. */
    public enum Outcome { ABSENT, ALREADY_PRIVATE, TIGHTENED, SHARED_LEFT_ALONE }

    /** The subdirectory that holds the workloads' secret files (see SecretFileStore). */
    public static final String SECRETS_DIRECTORY = "secrets";

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    /**
     * Everything the agent itself creates in the state directory (see IdentityStore,
     * DesiredStateStore, AtomicFiles, SecretFileStore, JobRecordStore, StateDirectoryLock), the
     * token file the container and systemd forms of the join write, and lost+found, which a file
     * system of its own brings.
     */
    private static final List<String> OWN_PREFIXES = List.of("identity", DesiredStateStore.FILE_NAME,
            "." + DesiredStateStore.FILE_NAME, SECRETS_DIRECTORY, JobRecordStore.DIRECTORY, StateDirectoryLock.FILE_NAME,
            "join-token", "lost+found");

    private StateDirectory() {}

    /** Tightens an existing state directory to 0700 (see the class comment); a missing one is created 0700 on first write. */
    public static Outcome secure(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Outcome.ABSENT;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.equals(PRIVATE)) {
            return Outcome.ALREADY_PRIVATE;
        }
        String was = PosixFilePermissions.toString(mode);
        if (!onlyAgentFiles(dir)) {
            LOG.warn("the state directory {} is {} and holds files that are not the agent's; leaving its permissions"
                    + " alone (the agent's own files are private); use a directory of its own for --state-dir", dir, was);
            return Outcome.SHARED_LEFT_ALONE;
        }
        Files.setPosixFilePermissions(dir, PRIVATE);
        LOG.info("tightened the state directory {} from {} to rwx------", dir, was);
        return Outcome.TIGHTENED;
    }

    private static boolean onlyAgentFiles(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).allMatch(StateDirectory::isAgentFile);
        }
    }

    static boolean isAgentFile(String name) {
        return OWN_PREFIXES.stream().anyMatch(name::startsWith);
    }
}
