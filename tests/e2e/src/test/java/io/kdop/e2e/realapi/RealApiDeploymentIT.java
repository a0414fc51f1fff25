package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.KdopOnRealKube;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Teardown;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DockerDeployment through the real kubectl on the real API server, with the hub under the
 * chart's RBAC: `kubectl scale` goes through the scale subresource to spec.replicas, the selector
 * reads back through it as a string, and `kubectl get dockerdeployments` shows a Deployment's columns.
 */
class RealApiDeploymentIT {

    private static final String NAME = "kdop-realdep-web";

    private static KdopOnRealKube kdop;
    private static RealKube kube;
    private static String ns;

    @BeforeAll
    static void installKdopWithAJoinedHost() {
        kdop = KdopOnRealKube.install(RealApiDeploymentIT.class);
        kube = kdop.kube();
        ns = kube.freshNamespace("deploy");
        kdop.joinHost(ns, "edge-1");
    }

    @AfterAll
    static void uninstall() {
        Teardown.closeAll(kdop, () -> DockerCli.removeAll(NAME));
    }

    @Test
    void kubectlScalesADockerDeploymentAndListsItLikeADeployment() {
        kube.kubectlWithInput("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerDeployment
                metadata:
                  name: %s
                spec:
                  replicas: 1
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      image: kdop-test/busybox:1
                      command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
                      dockerHostRef: edge-1
                """.formatted(NAME), "apply", "-n", ns, "-f", "-").orFail();
        kdop.awaitJsonPath(ns, "dockerdeployment", NAME, "{.status.ready}", "1/1");

        kube.kubectl("scale", "dockerdeployment/" + NAME, "--replicas=3", "-n", ns).orFail();
        assertThat(kdop.jsonPath(ns, "dockerdeployment", NAME, "{.spec.replicas}")).isEqualTo("3");
        kdop.awaitJsonPath(ns, "dockerdeployment", NAME, "{.status.ready}", "3/3");
        assertThat(kube.kubectl("get", "dockerdeployment", NAME, "-n", ns, "--subresource=scale", "-o",
                "jsonpath={.spec.replicas} {.status.replicas} {.status.selector}").orFail()).isEqualTo("3 3 app=web");

        String table = kube.kubectl("get", "dockerdeployments", "-n", ns).orFail();
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
        assertThat(table).containsPattern(NAME + "\\s+3/3\\s+3\\s+3\\s+");
        assertThat(kube.kubectl("get", "ddep", "-n", ns, "-o", "wide").orFail()).contains("kdop-test/busybox:1",
                "NewReplicaSetAvailable");
        assertThat(kube.kubectl("get", "dockercontainers", "-n", ns, "-l", "app=web", "-o", "name").orFail().lines())
                .hasSize(3);

        kube.kubectl("delete", "dockerdeployment", NAME, "-n", ns, "--wait=true", "--timeout=60s").orFail();
        await("its replicas gone").atMost(KdopOnRealKube.TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() ->
                kube.kubectl("get", "dockercontainers", "-n", ns, "-o", "name").orFail().isBlank());
        assertThat(kdop.permissionDenials()).as("the chart's RBAC covers DockerDeployments").isEmpty();
    }
}
