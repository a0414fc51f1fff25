package io.kdop.engine.plan;

import io.kdop.engine.plan.HostPathResolver.Resolved;
import io.kdop.engine.plan.HostPathResolver.Unresolvable;
import io.kdop.proto.v1.HostMount;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a workload's host mounts may be made, on the paths they really name on the host.
 * A workload, maybe of another namespace on a shared host, must not get the agent's state (its
 * identity key, every workload's secrets), a Docker or containerd socket (the host) or the like by
 * declaring a volume. Comparing the text of a path is not enough: a container that can write into an allowed directory
 * can plant a symbolic link there to the agent's state directory or the Docker socket, and a second
 * container mounting {@code <dir>/link} would get what the link points to. So each host path is
 * resolved on the host first (see {@link HostPathResolver}), refused when it is, lies inside or
 * contains a guarded path, or when its resolution passes through a link inside one (a link in
 * /proc names what the agent's process sees, not what Docker would mount), and mounted by the
 * path it resolved to. Pure, given the resolver.
 *
 * <p>What remains: Docker resolves a bind source again whenever it starts the container (a
 * restart under the restart policy too), so a link swapped in after this check and before such a
 * start still counts. Every pass checks anew and reports the workload refused, but the container
 * Docker started by then has the mount.
 */
public final class MountGuard {

    /**
     * A host path no container may mount, nor anything inside or above it.
     *
     * @param what what it is and why it matters, for the message
     */
    public record Guarded(Path path, String what) {}

    /**
     * The verdict on a spec's mounts.
     *
     * @param sources the resolved host path of each mount, in the spec's order; empty with a problem
     */
    public record Checked(Optional<String> problem, List<String> sources) {
        public Checked {
            sources = List.copyOf(sources);
        }
    }

    private static final String SOCKET = "a Docker socket (whoever has it controls the host)";

    private final List<Guarded> guarded;
    private final HostPathResolver resolver;

    public MountGuard(List<Guarded> guarded, HostPathResolver resolver) {
        this.guarded = List.copyOf(guarded);
        this.resolver = resolver;
    }

    /** The guard of an agent with state in {@code stateDir} that talks to Docker at {@code dockerHost}. */
    public static MountGuard of(Path stateDir, String dockerHost, HostPathResolver resolver) {
        return new MountGuard(guardedPaths(stateDir, dockerHost), resolver);
    }

    /**
     * The agent's state directory, the socket the agent was given and the usual places of Docker's
     * and containerd's sockets, their data directories, /proc and /sys. "/" and the other
     * directories above them are refused as their ancestors.
     */
    public static List<Guarded> guardedPaths(Path stateDir, String dockerHost) {
        List<Guarded> paths = new ArrayList<>();
        paths.add(new Guarded(stateDir.toAbsolutePath().normalize(),
                "the agent's state directory (its identity key, every workload's secrets)"));
        paths.addAll(daemonPaths(dockerHost));
        return List.copyOf(paths);
    }

    /**
     * What no container may mount on any Docker host, agent or not: the daemon's socket
     * ({@code dockerHost} when it is one) and the usual places of Docker's and containerd's sockets
     * and data, /proc and /sys.
     */
    public static List<Guarded> daemonPaths(String dockerHost) {
        List<Guarded> paths = new ArrayList<>();
        unixSocket(dockerHost).ifPresent(socket -> paths.add(new Guarded(socket, SOCKET)));
        for (String socket : List.of("/var/run/docker.sock", "/run/docker.sock")) {
            paths.add(new Guarded(Path.of(socket), SOCKET));
        }
        for (String dir : List.of("/run/containerd", "/var/run/containerd")) {
            paths.add(new Guarded(Path.of(dir), "containerd's socket directory (whoever has it controls the host)"));
        }
        for (String dir : List.of("/run/docker", "/var/run/docker")) {
            // the containerd that Docker starts itself listens in here, and plugins' sockets live here
            paths.add(new Guarded(Path.of(dir), "Docker's run-time directory (sockets that control the host)"));
        }
        paths.add(new Guarded(Path.of("/var/lib/docker"), "Docker's data directory (every container's files)"));
        paths.add(new Guarded(Path.of("/var/lib/containerd"), "containerd's data directory (every container's files)"));
        paths.add(new Guarded(Path.of("/proc"), "the host's processes and their files"));
        paths.add(new Guarded(Path.of("/sys"), "the host's kernel and devices"));
        return List.copyOf(paths);
    }

    /** The socket's path when {@code dockerHost} is {@code unix://PATH}. */
    static Optional<Path> unixSocket(String dockerHost) {
        try {
            URI uri = URI.create(dockerHost);
            return "unix".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/")
                    ? Optional.of(Path.of(uri.getPath()).normalize()) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the mounts may be made, and from which host paths. */
    public Checked check(List<HostMount> mounts) {
        if (mounts.isEmpty()) {
            return new Checked(Optional.empty(), List.of());
        }
        List<Guarded> all = withResolved(guarded);
        List<String> sources = new ArrayList<>();
        for (HostMount m : mounts) {
            String text = m.getHostPath();
            Optional<String> problem;
            if (!text.startsWith("/")) {
                // SpecCheck says so first
                problem = Optional.of("mount of host path " + text + " refused: it is not absolute");
            } else if (text.indexOf('\0') >= 0) {
                // SpecCheck says so first too; Path.of would throw, and one bad spec must not stop the pass
                problem = Optional.of("mount of host path " + text.replace("\0", "\\0") + " refused: it is not a valid path");
            } else {
                try {
                    Resolved r = resolver.resolve(Path.of(text));
                    problem = problem(text, r, all);
                    sources.add(r.path().toString());
                } catch (Unresolvable e) {
                    problem = Optional.of("mount of host path " + text + " refused: the agent cannot tell what it names"
                            + " on the host: " + e.getMessage());
                }
            }
            if (problem.isPresent()) {
                return new Checked(problem, List.of());
            }
        }
        return new Checked(Optional.empty(), sources);
    }

    /** The guarded paths, and the real paths of those that are reached through links (/var/run → /run). */
    private List<Guarded> withResolved(List<Guarded> paths) {
        List<Guarded> all = new ArrayList<>(paths);
        for (Guarded g : paths) {
            try {
                Path real = resolver.resolve(g.path()).path();
                if (!real.equals(g.path())) {
                    all.add(new Guarded(real, g.what()));
                }
            } catch (Unresolvable e) {
                // its text is guarded all the same; what cannot be resolved cannot be reached through either
            }
        }
        return all;
    }

    private static Optional<String> problem(String text, Resolved r, List<Guarded> all) {
        Path lexical = Path.of(text).normalize();
        String refused = "mount of host path " + text + " refused: ";
        String it = r.links().isEmpty() && r.path().equals(lexical) ? "it" : "it resolves to " + r.path()
                + (r.links().isEmpty() ? "" : " (through the symbolic link" + (r.links().size() > 1 ? "s " : " ")
                        + String.join(", ", r.links().stream().distinct().map(Path::toString).toList()) + ")")
                + ", which";
        for (Guarded g : all) {
            Optional<String> relation = relation(r.path(), g.path());
            if (relation.isPresent()) {
                return Optional.of(refused + it + " " + relation.get() + " " + g.path() + ", " + g.what());
            }
            relation = relation(lexical, g.path()); // the path as written names it too, wherever it leads
            if (relation.isPresent()) {
                return Optional.of(refused + "it " + relation.get() + " " + g.path() + ", " + g.what());
            }
            for (Path link : r.links()) {
                if (link.startsWith(g.path())) {
                    return Optional.of(refused + "its resolution passes through the symbolic link " + link
                            + ", inside " + g.path() + ", " + g.what());
                }
            }
        }
        if (r.path().toString().contains(":")) {
            // Docker's bind syntax separates with colons
            return Optional.of(refused + it + " has a colon in it, which a bind cannot express");
        }
        return Optional.empty();
    }

    private static Optional<String> relation(Path path, Path guarded) {
        if (path.equals(guarded)) {
            return Optional.of("is");
        }
        if (path.startsWith(guarded)) {
            return Optional.of("is inside");
        }
        return guarded.startsWith(path) ? Optional.of("contains") : Optional.empty();
    }
}
