package io.kdop.agent.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The agent's exclusive hold on its state directory for its whole life: two agents on one
 * directory (a second join on the same box, a restarted unit while the old process lingers) would
 * both reconcile and run every job twice. An OS file lock, so it goes with the process, however
 * that ends; the file says which process holds it.
 */
public final class StateDirectoryLock implements AutoCloseable {

    public static final String FILE_NAME = "agent.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, creating the directory (0700) if needed; empty when another agent holds it. */
    public static Optional<StateDirectoryLock> tryAcquire(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = Files.exists(file)
                ? FileChannel.open(file, StandardOpenOption.WRITE)
                : FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        channel.force(false);
        return Optional.of(new StateDirectoryLock(channel, lock));
    }

    /** The process id the holder wrote, if it can be read. */
    public static Optional<String> holder(Path dir) {
        try {
            String pid = Files.readString(dir.resolve(FILE_NAME), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,10}") ? Optional.of(pid) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
