package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.plan.HostPathResolver.Resolved;
import io.kdop.engine.plan.HostPathResolver.Unresolvable;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision on host mounts, on a pretend host whose links the test lays out. */
class MountGuardTest {

    private static final Path STATE = Path.of("/var/lib/kdop-agent");
    private static final String DOCKER = "unix:///var/run/docker.sock";

    /** Paths as written, but for the links put in here (whole paths, for brevity). */
    private final Map<Path, Resolved> links = new HashMap<>();
    private final HostPathResolver host = path -> {
        Resolved linked = links.get(path);
        if (linked == null && path.toString().contains("unreadable")) {
            throw new Unresolvable("the agent may not look into /home/alice (permission denied)");
        }
        return linked != null ? linked : new Resolved(path.normalize(), List.of());
    };
    private final MountGuard guard = MountGuard.of(STATE, DOCKER, host);

    @Test
    void refusesThePathsThatExposeTheAgentsStateTheSocketsDockersDataProcAndSysAndWhatIsAboveThem() {
        for (String hostPath : List.of("/var/lib/kdop-agent", "/var/lib/kdop-agent/secrets/uid", "/var/lib", "/",
                "/var/run/docker.sock", "/run/docker.sock", "/run", "/var", "/var/lib/kdop-agent/../kdop-agent",
                "/run/containerd/containerd.sock", "/var/run/containerd", "/run/docker/containerd/containerd.sock",
                "/var/lib/docker", "/var/lib/docker/volumes/v/_data", "/var/lib/containerd/io.containerd.content.v1",
                "/proc", "/proc/1/root", "/sys", "/sys/fs/cgroup", "//var//lib/./docker/")) {
            assertThat(problem(guard, hostPath)).as(hostPath).isPresent();
        }
        // the seed's example, and paths that only look alike
        for (String hostPath : List.of("/tmp/data", "/srv/data", "/var/lib/postgres", "/run/udev",
                "/var/lib/kdop-agent-backup", "/var/lib/docker-backup", "/home/alice/proc", "/opt/sys")) {
            assertThat(problem(guard, hostPath)).as(hostPath).isEmpty();
        }
    }

    @Test
    void refusesTheSocketTheAgentWasGivenAndTheDirectoriesAboveIt() {
        MountGuard rootless = MountGuard.of(STATE, "unix:///run/user/1000/docker.sock", host);

        assertThat(problem(rootless, "/run/user/1000/docker.sock")).get().asString().contains("a Docker socket");
        assertThat(problem(rootless, "/run/user/1000")).get().asString()
                .contains("it contains /run/user/1000/docker.sock");
        assertThat(problem(rootless, "/run/user/1001")).isEmpty();
        assertThat(problem(MountGuard.of(STATE, "tcp://127.0.0.1:2375", host), "/run/user/1000")).isEmpty();
    }

    @Test
    void aLinkToTheStateDirectoryIsRefusedByWhereItLeads() {
        links.put(Path.of("/srv/shared/link"), new Resolved(STATE, List.of(Path.of("/srv/shared/link"))));

        assertThat(problem(guard, "/srv/shared/link")).get().asString().isEqualTo("mount of host path /srv/shared/link"
                + " refused: it resolves to /var/lib/kdop-agent (through the symbolic link /srv/shared/link), which is"
                + " /var/lib/kdop-agent, the agent's state directory (its identity key, every workload's secrets)");
    }

    @Test
    void aLinkChainToTheDockerSocketIsRefused() {
        links.put(Path.of("/srv/shared/a"), new Resolved(Path.of("/run/docker.sock"),
                List.of(Path.of("/srv/shared/a"), Path.of("/srv/shared/b"), Path.of("/var/run"))));

        assertThat(problem(guard, "/srv/shared/a")).get().asString()
                .contains("through the symbolic links /srv/shared/a, /srv/shared/b, /var/run")
                .contains("which is /run/docker.sock, a Docker socket");
    }

    @Test
    void aGuardedPathIsGuardedWhereItReallyIsToo() {
        // the agent talks to /var/run/kdop.sock, and on this host /var/run is a link to /run
        links.put(Path.of("/var/run/kdop.sock"), new Resolved(Path.of("/run/kdop.sock"), List.of(Path.of("/var/run"))));
        MountGuard guard = MountGuard.of(STATE, "unix:///var/run/kdop.sock", host);

        assertThat(problem(guard, "/run/kdop.sock")).get().asString().contains("it is /run/kdop.sock, a Docker socket");
    }

    @Test
    void aResolutionThroughProcIsRefusedWhereverItEnds() {
        // what a link in /proc names depends on who reads it: the agent's answer is not Docker's
        links.put(Path.of("/srv/shared/x"), new Resolved(Path.of("/srv/elsewhere"),
                List.of(Path.of("/srv/shared/x"), Path.of("/proc/self/root"))));

        assertThat(problem(guard, "/srv/shared/x")).get().asString()
                .contains("passes through the symbolic link /proc/self/root, inside /proc");
    }

    @Test
    void aPathThatCannotBeResolvedIsRefusedSayingWhy() {
        assertThat(problem(guard, "/home/alice/unreadable/data")).get().asString().isEqualTo("mount of host path"
                + " /home/alice/unreadable/data refused: the agent cannot tell what it names on the host: the agent"
                + " may not look into /home/alice (permission denied)");
    }

    @Test
    void aLinkToAPathWithAColonIsRefused() {
        links.put(Path.of("/srv/shared/c"), new Resolved(Path.of("/srv/a:b"), List.of(Path.of("/srv/shared/c"))));

        assertThat(problem(guard, "/srv/shared/c")).get().asString().contains("has a colon in it");
    }

    @Test
    void allowedMountsAreBoundFromTheirResolvedPaths() {
        links.put(Path.of("/srv/current"), new Resolved(Path.of("/srv/releases/7"), List.of(Path.of("/srv/current"))));
        ContainerSpec spec = ContainerSpec.newBuilder()
                .addMounts(HostMount.newBuilder().setHostPath("/srv/current").setContainerPath("/app"))
                .addMounts(HostMount.newBuilder().setHostPath("/tmp/data/").setContainerPath("/data")).build();

        MountGuard.Checked checked = guard.check(spec.getMountsList());

        assertThat(checked.problem()).isEmpty();
        assertThat(checked.sources()).containsExactly("/srv/releases/7", "/tmp/data");
        assertThat(MountGuard.unixSocket("unix:///var/run/docker.sock")).contains(Path.of("/var/run/docker.sock"));
        assertThat(MountGuard.unixSocket("ssh://me@host")).isEmpty();
    }

    private static Optional<String> problem(MountGuard guard, String hostPath) {
        return guard.check(List.of(HostMount.newBuilder().setHostPath(hostPath).setContainerPath("/x").build()))
                .problem();
    }
}
