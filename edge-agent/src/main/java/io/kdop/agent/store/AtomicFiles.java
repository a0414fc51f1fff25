package io.kdop.agent.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Private (0700/0600), crash-safe file writes: everything the agent stores may hold secrets. */
public final class AtomicFiles {

    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {}

    /** Creates the directory (and parents) if missing and makes it 0700 either way. */
    public static Path privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        Files.setPosixFilePermissions(dir, DIR_MODE);
        return dir;
    }

    /**
     * Creates the directory (and parents) as 0700 if missing, but leaves an existing one as it is:
     * the state directory's permissions are settled once at start by {@link StateDirectory}, and
     * every file the agent writes is private by itself.
     */
    public static Path ensureDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        return dir;
    }

    /**
     * Replaces {@code target} with {@code content} so that a reader (or the next start after a
     * power cut) sees either the old file or the new one, never a torn one: the bytes go to a
     * 0600 temp file in the same directory, are flushed, then renamed over the target.
     */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, FILE_MODE);
    }

    /** {@link #write(Path, byte[])} with another mode for the file (set before it takes the target's name). */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> fileMode) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", mode);
        try {
            if (!fileMode.equals(FILE_MODE)) {
                Files.setPosixFilePermissions(temp, fileMode); // after creation: no umask in the way
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /** Flushes a directory's entries, so a rename in it survives a power cut. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to open directories; the rename is still atomic there
        }
    }
}
