package io.kdop.agent.store;

import io.kdop.engine.secrets.SecretLayout;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a workload's secret files where its container bind-mounts them (see {@link SecretLayout}).
 * The secrets root and the workload's directory are 0700: nobody on the host but the agent's user
 * gets through them. Each mounted directory is 0755 with 0644 files, Kubernetes' default for a
 * Secret volume, so a container that runs as another user than root can read them too: inside
 * the container the mount is reached directly, not through the agent's directories. A changed file is replaced atomically in place (a temp file in the
 * same directory renamed onto it), so a running container sees the old content or the new one,
 * never a torn file, and needs no restart: the mount is the directory, not the file.
 */
public final class SecretFileStore implements SecretPlacement {

    private static final Set<PosixFilePermission> MOUNTED_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> MOUNTED_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private final SecretLayout layout;

    public SecretFileStore(SecretLayout layout) {
        this.layout = layout;
    }

    @Override
    public SecretLayout layout() {
        return layout;
    }

    /**
     * Makes the workload's secret directories hold exactly the files of the spec: writes what is
     * missing or different, removes files of keys that are gone and directories of entries that
     * are gone.
     *
     * @return how many files were written or removed (0 when all was current)
     */
    @Override
    public int sync(ContainerSpec spec) throws IOException {
        String uid = spec.getWorkload().getUid();
        if (spec.getSecretFilesCount() == 0 && !Files.exists(layout.workload(uid))) {
            return 0;
        }
        AtomicFiles.privateDirectory(layout.root());
        AtomicFiles.privateDirectory(layout.workload(uid));
        int changes = 0;
        for (int n = 0; n < spec.getSecretFilesCount(); n++) {
            changes += syncDirectory(mountedDirectory(layout.directory(uid, n)), spec.getSecretFiles(n));
        }
        try (Stream<Path> entries = Files.list(layout.workload(uid))) {
            for (Path dir : entries.toList()) {
                if (!isIndexBelow(dir.getFileName().toString(), spec.getSecretFilesCount())) {
                    deleteTree(dir);
                    changes++;
                }
            }
        }
        return changes;
    }

    private static int syncDirectory(Path dir, SecretFiles files) throws IOException {
        int changes = 0;
        Set<String> names = new HashSet<>();
        for (SecretFile f : files.getFilesList()) {
            names.add(f.getName());
            Path target = dir.resolve(f.getName());
            if (!target.getParent().equals(dir)) {
                throw new IOException("the key '" + f.getName() + "' of Secret " + files.getSecretName()
                        + " is not a file name");
            }
            byte[] content = f.getContent().toByteArray();
            if (!sameContent(target, content)) {
                AtomicFiles.write(target, content, MOUNTED_FILE);
                changes++;
            } else if (!Files.getPosixFilePermissions(target).equals(MOUNTED_FILE)) {
                Files.setPosixFilePermissions(target, MOUNTED_FILE); // written 0600 by an older agent
            }
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (!names.contains(p.getFileName().toString())) {
                    deleteTree(p);
                    changes++;
                }
            }
        }
        return changes;
    }

    /** Never chmods a directory that is right: a running container reads through it. */
    private static Path mountedDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(MOUNTED_DIRECTORY));
        }
        if (!Files.getPosixFilePermissions(dir).equals(MOUNTED_DIRECTORY)) {
            Files.setPosixFilePermissions(dir, MOUNTED_DIRECTORY); // past the umask, or made 0700 by an older agent
        }
        return dir;
    }

    /** Deletes the secret files of a workload (when it is no longer desired). */
    @Override
    public void remove(String workloadUid) throws IOException {
        deleteTree(layout.workload(workloadUid));
    }

    /** Deletes the secret files of every workload whose UID is not in {@code keep}. */
    @Override
    public void retainOnly(Set<String> keep) throws IOException {
        List<Path> dirs;
        try (Stream<Path> entries = Files.list(layout.root())) {
            dirs = entries.toList();
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path dir : dirs) {
            if (!keep.contains(dir.getFileName().toString())) {
                deleteTree(dir);
            }
        }
    }

    private static boolean sameContent(Path file, byte[] content) throws IOException {
        try {
            return Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static boolean isIndexBelow(String name, int count) {
        try {
            int n = Integer.parseInt(name);
            return n >= 0 && n < count && name.equals(Integer.toString(n));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
