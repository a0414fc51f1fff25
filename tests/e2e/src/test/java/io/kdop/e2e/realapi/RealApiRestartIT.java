package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.KdopOnRealKube;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Teardown;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status writes on a real API server, where resourceVersions conflict: a user keeps editing the
 * objects while the hub writes their statuses, and the hub is killed and restarted, and still
 * every status converges and no container is restarted.
 */
class RealApiRestartIT {

    private static final int CONTAINERS = 4;
    private static final String PREFIX = "kdop-restart-";

    private static KdopOnRealKube kdop;
    private static RealKube kube;
    private static String ns;

    @BeforeAll
    static void installKdopWithAJoinedHost() {
        kdop = KdopOnRealKube.install(RealApiRestartIT.class);
        kube = kdop.kube();
        ns = kube.freshNamespace("restart");
        kdop.joinHost(ns, "edge-1");
    }

    @AfterAll
    static void uninstall() {
        Teardown.closeAll(kdop, () -> DockerCli.removeAll(PREFIX));
    }

    @Test
    void statusesConvergeWhileAUserEditsTheObjectsAndTheHubIsKilledAndRestarted() throws Exception {
        for (int i = 0; i < CONTAINERS; i++) {
            applyContainer("app-" + i, "v1");
        }
        awaitAllReady("v1");

        // A user relabels every object without pause while each spec changes (every container is
        // recreated, every status rewritten): the hub's writes meet newer resourceVersions.
        AtomicBoolean editing = new AtomicBoolean(true);
        AtomicInteger edits = new AtomicInteger();
        Thread user = Thread.ofPlatform().start(() -> {
            for (int n = 0; editing.get() && n < 500; n++) {
                for (int i = 0; i < CONTAINERS && editing.get(); i++) {
                    if (kube.kubectl("label", "dockercontainer", "app-" + i, "-n", ns, "edit=" + n, "--overwrite").ok()) {
                        edits.incrementAndGet();
                    }
                }
            }
        });
        try {
            for (int i = 0; i < CONTAINERS; i++) {
                applyContainer("app-" + i, "v2");
            }
            awaitAllReady("v2");
        } finally {
            editing.set(false);
            user.join(Duration.ofSeconds(60));
        }
        assertThat(edits.get()).as("the user's edits were accepted meanwhile").isGreaterThan(CONTAINERS);

        // kill -9 the hub while it is busy writing statuses (a spec change is in flight), start it again
        Map<String, String> startedBefore = new HashMap<>();
        applyContainer("app-0", "v3");
        kdop.hub().kill();
        kdop.startHub();
        awaitReady("app-0", "v3");
        awaitAllReady(null);
        for (int i = 0; i < CONTAINERS; i++) {
            startedBefore.put("app-" + i, DockerCli.inspect(PREFIX + "app-" + i, "{{.Id}} {{.State.StartedAt}}"));
        }

        // and once more, idle: a restarted hub changes nothing on the host and loses no status
        kdop.hub().stop();
        kdop.startHub().awaitLog("session opened: " + ns + "/edge-1", KdopOnRealKube.TIMEOUT);
        awaitAllReady(null);
        for (int i = 0; i < CONTAINERS; i++) {
            assertThat(DockerCli.inspect(PREFIX + "app-" + i, "{{.Id}} {{.State.StartedAt}}"))
                    .as("app-%d neither recreated nor restarted", i).isEqualTo(startedBefore.get("app-" + i));
        }
        assertThat(kdop.permissionDenials()).as("the hub never lacks a permission").isEmpty();
    }

    private static void applyContainer(String name, String version) {
        kube.kubectlWithInput("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerContainer
                metadata:
                  name: %s
                spec:
                  image: kdop-test/busybox:1
                  containerName: %s%s
                  command: ["sleep", "3600"]
                  dockerHostRef: edge-1
                  env: ["VERSION=%s"]
                """.formatted(name, PREFIX, name, version), "apply", "-n", ns, "-f", "-").orFail();
    }

    /**
     * Every container Ready (running its current spec) with a status describing its latest
     * generation, and running the given version on the host (any, if null).
     */
    private static void awaitAllReady(String version) {
        for (int i = 0; i < CONTAINERS; i++) {
            awaitReady("app-" + i, version);
        }
    }

    private static void awaitReady(String name, String version) {
        await(name + " Ready at its latest generation" + (version == null ? "" : ", " + version + " on the host"))
                .atMost(KdopOnRealKube.TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
                    String[] s = jsonPath("dockercontainer", name, "{.status.phase} {.status.observedGeneration} "
                            + "{.metadata.generation} {.status.conditions[?(@.type==\"Ready\")].status}").split(" ");
                    return s.length == 4 && "Running".equals(s[0]) && s[1].equals(s[2]) && "True".equals(s[3])
                            && (version == null || DockerCli.env(PREFIX + name).contains("VERSION=" + version));
                });
    }

    private static String jsonPath(String kind, String name, String path) {
        return kdop.jsonPath(ns, kind, name, path);
    }
}
