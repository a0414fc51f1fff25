package io.kdop.agent.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Host paths as Docker will bind them: Docker follows symbolic links, and creates a missing
 * source directory through them, so a link under a prefix the host's policy allows (one a
 * container with that mount could have made) may lead anywhere.
 */
public final class HostPaths {

    /** As the kernel's limit on links followed in one lookup. */
    private static final int MAX_LINKS = 40;

    private HostPaths() {}

    /**
     * The path with every symbolic link along it resolved, dangling ones included, and what does
     * not exist taken as written (as {@code realpath -m}); the path as given when a link cannot
     * be read or they loop. Where the agent runs in a container it sees its own file system, not
     * the host's, and paths mostly come back as given.
     */
    public static String resolve(String path) {
        Deque<String> todo = new ArrayDeque<>(parts(path));
        Path resolved = Path.of("/");
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String part = todo.pop();
                if (part.equals("..")) {
                    resolved = resolved.getParent() == null ? resolved : resolved.getParent();
                    continue;
                }
                Path next = resolved.resolve(part);
                if (!Files.isSymbolicLink(next)) {
                    resolved = next;
                    continue;
                }
                if (++links > MAX_LINKS) {
                    return path;
                }
                Path target = Files.readSymbolicLink(next);
                List<String> targetParts = parts(target.toString());
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    todo.push(targetParts.get(i));
                }
                if (target.isAbsolute()) {
                    resolved = Path.of("/");
                }
            }
        } catch (IOException | SecurityException e) {
            return path;
        }
        return resolved.toString();
    }

    private static List<String> parts(String path) {
        return List.of(path.split("/")).stream().filter(p -> !p.isEmpty() && !p.equals(".")).toList();
    }
}
