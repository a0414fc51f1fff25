package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.agent.session.AgentExit;
import io.kdop.e2e.support.AgentProcess;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.KdopOnRealKube;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Teardown;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deleting things on a real API server, where the namespace controller and the garbage
 * collector run: what the hub created goes with its owner, and deleting a whole namespace leaves
 * nothing running on its Docker hosts.
 */
class RealApiDeletionIT {

    private static final String PREFIX = "kdop-deletion-";

    private static KdopOnRealKube kdop;
    private static RealKube kube;

    @BeforeAll
    static void installKdop() {
        kdop = KdopOnRealKube.install(RealApiDeletionIT.class);
        kube = kdop.kube();
    }

    @AfterAll
    static void uninstall() {
        Teardown.closeAll(kdop, () -> DockerCli.removeAll(PREFIX));
    }

    @Test
    void deletingAHostThatNeverJoinedRemovesItsJoinSecret() {
        String ns = kube.freshNamespace("gc");
        kube.kubectlWithInput("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerHost
                metadata:
                  name: never-joined
                """, "apply", "-n", ns, "-f", "-").orFail();
        kdop.awaitJsonPath(ns, "dockerhost", "never-joined", "{.status.joinSecretName}", "never-joined-join");
        assertThat(kube.kubectl("get", "secret", "never-joined-join", "-n", ns, "-o",
                "jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}").orFail())
                .isEqualTo("DockerHost/never-joined");

        kube.kubectl("delete", "dockerhost", "never-joined", "-n", ns, "--timeout=60s").orFail();
        await("join Secret of the deleted host gone").atMost(KdopOnRealKube.TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> !kube.kubectl("get", "secret", "never-joined-join", "-n", ns).ok());
    }

    @Test
    void deletingANamespaceRemovesItsContainersFromTheHostBeforeTheHostIsRevoked() {
        String ns = kube.freshNamespace("teardown");
        AgentProcess agent = kdop.joinHost(ns, "edge-1");
        for (String name : new String[] {"a", "b"}) {
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
                    """.formatted(name, PREFIX, name), "apply", "-n", ns, "-f", "-").orFail();
        }
        kdop.awaitJsonPath(ns, "dockercontainer", "a", "{.status.phase}", "Running");
        kdop.awaitJsonPath(ns, "dockercontainer", "b", "{.status.phase}", "Running");

        // kubectl delete namespace: hosts and containers are deleted at once, in no set order
        kube.kubectl("delete", "namespace", ns, "--timeout=120s").orFail();

        assertThat(DockerCli.id(PREFIX + "a")).as("container a left on the host").isNull();
        assertThat(DockerCli.id(PREFIX + "b")).as("container b left on the host").isNull();
        assertThat(agent.awaitExit(KdopOnRealKube.TIMEOUT)).as("the host's agent is revoked once they are gone")
                .isEqualTo(AgentExit.REFUSED);
        assertThat(kdop.permissionDenials()).isEmpty();
    }
}
