package io.kdop.engine.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * Tells which path on the Docker host a host path really names: the one Docker would mount, with
 * every symbolic link on the way followed. The agent's implementation reads the host's file system;
 * the decisions built on it ({@link MountGuard}) take any implementation.
 */
@FunctionalInterface
public interface HostPathResolver {

    /**
     * The real path of an absolute host path. A path that does not exist (yet: Docker creates a
     * missing bind source) resolves as far as it exists, with the rest appended.
     *
     * @throws Unresolvable when what the path names cannot be known for sure
     */
    Resolved resolve(Path hostPath) throws Unresolvable;

    /**
     * A resolved host path.
     *
     * @param path absolute, normalized, without symbolic links in the part that exists
     * @param links the symbolic links followed on the way, as host paths, in the order followed
     */
    record Resolved(Path path, List<Path> links) {
        public Resolved {
            links = List.copyOf(links);
        }
    }

    /** A host path whose target cannot be known for sure; the message says why, in host paths. */
    final class Unresolvable extends Exception {
        public Unresolvable(String message) {
            super(message);
        }
    }
}
