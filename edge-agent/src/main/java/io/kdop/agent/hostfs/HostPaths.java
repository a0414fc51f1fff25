package io.kdop.agent.hostfs;

import io.kdop.engine.plan.HostPathResolver;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves host paths on the file system the way the kernel does when Docker mounts one:
 * component by component, each symbolic link read and followed (an absolute target from the
 * host's root, a relative one from the link's directory), ".." applied to the path resolved so
 * far (so after a link, to the link's target), at most {@value #MAX_LINKS} links.
 *
 * <p>The agent sees the host's "/" at {@code root}: "/" itself when it runs on the host, the mount
 * point of the host's "/" when it runs in a container ({@code --host-root}). Such a mount shows the
 * host's file systems as they were mounted when the container started, so under another root a
 * path that does not exist is refused rather than taken as missing: it may lie on a file system
 * mounted since, where a symbolic link may wait. And before resolving anything under another
 * root, the agent checks that it finds its own state directory there (it has the same path inside
 * and out): a root that is not the host's would answer about the wrong file system.
 */
public final class HostPaths implements HostPathResolver {

    /** Linux's own limit (MAXSYMLINKS): more links than that is a loop, or as good as one. */
    static final int MAX_LINKS = 40;
    private static final Path SLASH = Path.of("/");

    private final Path root;
    private final Path stateDir;
    private final Path ownStateDir;

    /**
     * @param root where the agent sees the host's "/"
     * @param stateDir the agent's state directory, at the same path on the host
     */
    public HostPaths(Path root, Path stateDir) {
        this(root, stateDir, stateDir);
    }

    /** For tests, whose pretend host root cannot show the agent's own state directory at its own path. */
    HostPaths(Path root, Path stateDir, Path ownStateDir) {
        this.root = root.toAbsolutePath().normalize();
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.ownStateDir = ownStateDir.toAbsolutePath().normalize();
    }

    @Override
    public Resolved resolve(Path hostPath) throws Unresolvable {
        if (!hostPath.isAbsolute()) {
            throw new Unresolvable(hostPath + " is not an absolute path");
        }
        if (!onTheHost()) {
            checkRoot();
        }
        return walk(hostPath);
    }

    /** The agent sees the host's file system as it is, new mounts included. */
    private boolean onTheHost() {
        return root.equals(SLASH);
    }

    private void checkRoot() throws Unresolvable {
        String found;
        try {
            Path there = onDisk(walk(stateDir).path());
            if (Files.isSameFile(there, ownStateDir)) {
                return;
            }
            found = there + " is another directory";
        } catch (Unresolvable e) {
            found = e.getMessage();
        } catch (IOException e) {
            found = reason(e);
        }
        throw new Unresolvable("the host's file system is not at --host-root " + root + ": the agent does not find"
                + " its state directory " + stateDir + " there (" + found + "); when the agent runs in a container,"
                + " mount the host's / there read-only (-v /:" + root + ":ro) and the state directory at the same"
                + " path inside and out");
    }

    private Resolved walk(Path hostPath) throws Unresolvable {
        Deque<String> todo = new ArrayDeque<>();
        hostPath.forEach(name -> todo.addLast(name.toString()));
        Path done = SLASH; // resolved so far: exists and holds no link, but for a missing tail on the host
        List<Path> links = new ArrayList<>();
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                done = done.getParent() == null ? SLASH : done.getParent();
                continue;
            }
            Path next = done.resolve(name);
            Optional<BasicFileAttributes> found = lstat(next);
            if (found.isEmpty()) {
                if (!onTheHost()) {
                    throw new Unresolvable("there is nothing at " + next + " as the agent sees the host (at"
                            + " --host-root " + root + ", which shows the host's file systems as they were mounted"
                            + " when the agent started): create it on the host first, and restart the agent if it"
                            + " lies on a file system mounted since");
                }
                done = next; // Docker creates a missing bind source: it will be a directory here
            } else if (found.get().isSymbolicLink()) {
                if (links.size() == MAX_LINKS) {
                    throw new Unresolvable("resolving " + hostPath + " follows more than " + MAX_LINKS
                            + " symbolic links (a loop?), among them " + links.stream().distinct().limit(3).toList());
                }
                links.add(next);
                Path target = readLink(next);
                if (target.isAbsolute()) {
                    done = SLASH; // the host's root, wherever the agent sees it
                }
                List<String> names = new ArrayList<>();
                target.forEach(n -> names.add(n.toString()));
                for (int i = names.size() - 1; i >= 0; i--) {
                    todo.addFirst(names.get(i));
                }
            } else if (!todo.isEmpty() && !found.get().isDirectory()) {
                throw new Unresolvable(next + " is not a directory, yet " + hostPath + " goes on below it");
            } else {
                done = next;
            }
        }
        return new Resolved(done, links);
    }

    private Optional<BasicFileAttributes> lstat(Path hostPath) throws Unresolvable {
        try {
            return Optional.of(Files.readAttributes(onDisk(hostPath), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw new Unresolvable("the agent may not look into " + hostPath.getParent() + " (permission denied)");
        } catch (IOException e) {
            throw new Unresolvable("cannot look at " + hostPath + ": " + reason(e));
        }
    }

    private Path readLink(Path hostPath) throws Unresolvable {
        try {
            return Files.readSymbolicLink(onDisk(hostPath));
        } catch (IOException e) {
            throw new Unresolvable("cannot read the symbolic link " + hostPath + ": " + reason(e));
        }
    }

    /** Where the agent finds a host path. */
    private Path onDisk(Path hostPath) {
        return root.resolve(SLASH.relativize(hostPath));
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
    }
}
