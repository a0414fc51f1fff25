package io.kdop.agent.hostfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.engine.plan.HostPathResolver.Resolved;
import io.kdop.engine.plan.HostPathResolver.Unresolvable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution on a real file system, with real symbolic links in a temporary directory. */
class HostPathsTest {

    private Path tmp;
    private Path state;
    private Path shared;
    private HostPaths onTheHost;

    @BeforeEach
    void layOut(@TempDir Path dir) throws Exception {
        tmp = dir.toRealPath(); // /tmp may itself be a link
        state = Files.createDirectories(tmp.resolve("state/secrets"));
        state = state.getParent();
        shared = Files.createDirectories(tmp.resolve("shared"));
        onTheHost = new HostPaths(Path.of("/"), state);
    }

    @Test
    void aLinkToTheStateDirectoryResolvesToTheStateDirectory() throws Exception {
        Files.createSymbolicLink(shared.resolve("link"), state);

        Resolved r = onTheHost.resolve(shared.resolve("link"));

        assertThat(r.path()).isEqualTo(state);
        assertThat(r.links()).containsExactly(shared.resolve("link"));
        assertThat(onTheHost.resolve(shared.resolve("link/secrets")).path()).isEqualTo(state.resolve("secrets"));
    }

    @Test
    void aChainOfLinksIsFollowedToItsEnd() throws Exception {
        Files.createSymbolicLink(shared.resolve("a"), shared.resolve("b"));
        Files.createSymbolicLink(shared.resolve("b"), Path.of("c"));
        Files.createSymbolicLink(shared.resolve("c"), state.resolve("secrets"));

        Resolved r = onTheHost.resolve(shared.resolve("a"));

        assertThat(r.path()).isEqualTo(state.resolve("secrets"));
        assertThat(r.links()).containsExactly(shared.resolve("a"), shared.resolve("b"), shared.resolve("c"));
    }

    @Test
    void aRelativeLinkIsResolvedFromItsDirectoryAndDotDotFromWhereTheLinkLed() throws Exception {
        Files.createSymbolicLink(shared.resolve("up"), Path.of("../state/./secrets"));
        Files.createDirectories(shared.resolve("deep/er"));
        Files.createSymbolicLink(shared.resolve("deep/er/link"), state.resolve("secrets"));

        assertThat(onTheHost.resolve(shared.resolve("up")).path()).isEqualTo(state.resolve("secrets"));
        // as the kernel does: ".." after a link is the parent of its target, not of the link
        assertThat(onTheHost.resolve(shared.resolve("deep/er/link/..")).path()).isEqualTo(state);
        assertThat(onTheHost.resolve(Path.of(shared + "/deep/./er/../er/link")).path())
                .isEqualTo(state.resolve("secrets"));
    }

    @Test
    void aMissingPathResolvesAsFarAsItExistsWithTheRestAppended() throws Exception {
        Files.createSymbolicLink(shared.resolve("link"), state);

        assertThat(onTheHost.resolve(shared.resolve("link/new/dir")).path()).isEqualTo(state.resolve("new/dir"));
        assertThat(onTheHost.resolve(shared.resolve("not-yet")).path()).isEqualTo(shared.resolve("not-yet"));
        assertThat(onTheHost.resolve(shared.resolve("not-yet/../link")).path()).isEqualTo(state);
    }

    @Test
    void aLoopIsRefusedWithAClearError() throws Exception {
        Files.createSymbolicLink(shared.resolve("ping"), shared.resolve("pong"));
        Files.createSymbolicLink(shared.resolve("pong"), Path.of("ping"));

        assertThatThrownBy(() -> onTheHost.resolve(shared.resolve("ping/x"))).isInstanceOf(Unresolvable.class)
                .hasMessageContaining("more than 40 symbolic links (a loop?)").hasMessageContaining(shared + "/ping");
    }

    @Test
    void fortyLinksAreFollowedAndOneMoreIsNot() throws Exception {
        for (int n = 0; n < 41; n++) {
            Files.createSymbolicLink(shared.resolve("l" + n), n == 0 ? state : shared.resolve("l" + (n - 1)));
        }
        assertThat(onTheHost.resolve(shared.resolve("l39")).path()).isEqualTo(state);
        assertThatThrownBy(() -> onTheHost.resolve(shared.resolve("l40"))).isInstanceOf(Unresolvable.class);
    }

    @Test
    void aPathThatGoesOnBelowAFileIsRefused() throws Exception {
        Files.writeString(shared.resolve("file"), "x");

        assertThatThrownBy(() -> onTheHost.resolve(shared.resolve("file/below"))).isInstanceOf(Unresolvable.class)
                .hasMessageContaining(shared.resolve("file") + " is not a directory");
    }

    @Test
    void underAnotherRootAbsoluteLinksLeadFromTheHostsRootAndNothingIsAssumedMissing() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("host"));
        Path hostState = Files.createDirectories(root.resolve("var/lib/kdop-agent"));
        Files.createDirectories(root.resolve("srv/shared"));
        Files.createSymbolicLink(root.resolve("srv/shared/link"), Path.of("/var/lib/kdop-agent"));
        Files.createSymbolicLink(root.resolve("srv/shared/escape"), Path.of("../../../../../var/lib/kdop-agent"));
        HostPaths inContainer = new HostPaths(root, Path.of("/var/lib/kdop-agent"), hostState);

        assertThat(inContainer.resolve(Path.of("/srv/shared/link")).path()).isEqualTo(Path.of("/var/lib/kdop-agent"));
        // ".." stops at the host's root, as it does at "/"
        assertThat(inContainer.resolve(Path.of("/srv/shared/escape")).path()).isEqualTo(Path.of("/var/lib/kdop-agent"));
        assertThat(inContainer.resolve(Path.of("/srv/shared")).links()).isEmpty();
        assertThatThrownBy(() -> inContainer.resolve(Path.of("/srv/shared/new"))).isInstanceOf(Unresolvable.class)
                .hasMessageContaining("there is nothing at /srv/shared/new")
                .hasMessageContaining("create it on the host");
    }

    @Test
    void aRootThatIsNotTheHostsIsRefusedForEveryPath() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-the-host"));
        HostPaths wrong = new HostPaths(empty, state);

        assertThatThrownBy(() -> wrong.resolve(Path.of("/srv/data"))).isInstanceOf(Unresolvable.class)
                .hasMessageContaining("the host's file system is not at --host-root " + empty)
                .hasMessageContaining("-v /:" + empty + ":ro");
        // the same directory tree, but not the agent's state directory itself
        Files.createDirectories(empty.resolve(Path.of("/").relativize(state)));
        assertThatThrownBy(() -> wrong.resolve(Path.of("/srv/data"))).isInstanceOf(Unresolvable.class)
                .hasMessageContaining("is another directory");
    }

    @Test
    void aRootThatShowsTheHostIsAccepted() throws Exception {
        // a link to "/" is a root other than "/" that does show this file system
        Path root = Files.createSymbolicLink(tmp.resolve("root"), Path.of("/"));
        Files.createSymbolicLink(shared.resolve("link"), state);

        assertThat(new HostPaths(root, state).resolve(shared.resolve("link")).path()).isEqualTo(state);
    }

    @Test
    void aRelativePathIsRefused() {
        assertThatThrownBy(() -> onTheHost.resolve(Path.of("srv/data"))).isInstanceOf(Unresolvable.class)
                .hasMessageContaining("not an absolute path");
    }
}
