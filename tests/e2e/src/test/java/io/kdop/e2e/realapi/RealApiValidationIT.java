package io.kdop.e2e.realapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.e2e.support.Cli;
import io.kdop.e2e.support.DockerCli;
import io.kdop.e2e.support.KdopOnRealKube;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Teardown;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input meets the real API server first: the schema refuses wrong types and values with its
 * own message, the CEL rule refuses an edit of a started job, and what the schema cannot say is
 * the hub's condition.
 */
class RealApiValidationIT {

    private static KdopOnRealKube kdop;
    private static RealKube kube;
    private static String ns;

    @BeforeAll
    static void installKdopWithAJoinedHost() {
        kdop = KdopOnRealKube.install(RealApiValidationIT.class);
        kube = kdop.kube();
        ns = kube.freshNamespace("invalid");
        kdop.joinHost(ns, "edge-1");
    }

    @AfterAll
    static void uninstall() {
        Teardown.closeAll(kdop, () -> DockerCli.removeAll("kdop-invalid-"));
    }

    @Test
    void theSchemaRefusesAValueOutsideItsEnum() {
        Cli.Result refused = apply("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerContainer
                metadata:
                  name: bad-policy
                spec:
                  image: kdop-test/busybox:1
                  imagePullPolicy: Sometimes
                """);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("The DockerContainer \"bad-policy\" is invalid")
                .contains("spec.imagePullPolicy: Invalid value: \"Sometimes\"")
                .contains("should match '^(Always|IfNotPresent|Never)$'");
        assertThat(kube.kubectl("get", "dockercontainer", "bad-policy", "-n", ns).ok()).isFalse();
    }

    @Test
    void theSchemaRefusesAWrongType() {
        Cli.Result refused = apply("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerContainer
                metadata:
                  name: bad-ports
                spec:
                  image: kdop-test/busybox:1
                  ports: "8080:80"
                """);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("spec.ports: Invalid value: \"string\"")
                .contains("must be of type array");
    }

    @Test
    void theSchemaRefusesANegativeBackoffLimit() {
        Cli.Result refused = apply("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerJob
                metadata:
                  name: bad-backoff
                spec:
                  image: kdop-test/busybox:1
                  backoffLimit: -1
                """);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("spec.backoffLimit: Invalid value: -1")
                .contains("should be greater than or equal to 0");
    }

    @Test
    void theCelRuleRefusesAnEditOfAStartedJob() {
        apply("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerJob
                metadata:
                  name: started
                spec:
                  image: kdop-test/busybox:1
                  containerName: kdop-invalid-started
                  command: ["sleep", "600"]
                  dockerHostRef: edge-1
                """).orFail();
        await("job started").atMost(KdopOnRealKube.TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> !kube.kubectl("get",
                "dockerjob", "started", "-n", ns, "-o", "jsonpath={.status.startTime}").stdout().isBlank());

        Cli.Result refused = kube.kubectl("patch", "dockerjob", "started", "-n", ns, "--type=merge", "-p",
                "{\"spec\":{\"command\":[\"sleep\",\"1\"]}}");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("the spec of a DockerJob cannot change once the job started");
        // metadata is not the spec: labelling a started job is fine
        kube.kubectl("label", "dockerjob", "started", "-n", ns, "team=edge").orFail();
    }

    @Test
    void whatTheSchemaCannotExpressIsTheHubsCondition() {
        apply("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerContainer
                metadata:
                  name: bad-env
                spec:
                  image: kdop-test/busybox:1
                  containerName: kdop-invalid-env
                  dockerHostRef: edge-1
                  env: ["NO_EQUALS_SIGN"]
                """).orFail();
        await("Ready=False InvalidEnv").atMost(KdopOnRealKube.TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() ->
                "False/InvalidEnv".equals(kube.kubectl("get", "dockercontainer", "bad-env", "-n", ns, "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}/"
                                + "{.status.conditions[?(@.type==\"Ready\")].reason}").stdout()));
        assertThat(kube.kubectl("describe", "dockercontainer", "bad-env", "-n", ns).orFail())
                .contains("spec.env entry \"NO_EQUALS_SIGN\" is not KEY=VALUE");
        assertThat(DockerCli.id("kdop-invalid-env")).as("a bad spec never reaches the host").isNull();
    }

    @Test
    void theSeedsDirectHostAppliesUnchangedAndItsTlsSecretIsReadUnderTheChartsRbac() {
        // the seed README's DockerHost, word for word but for an address where nothing listens
        apply("""
                apiVersion: kdop.io.vn/v1alpha1
                kind: DockerHost
                metadata:
                  name: remote-host
                spec:
                  hostURL: "tcp://127.0.0.1:1"
                  tlsSecretName: docker-tls-secret # Optional: Secret containing ca.pem, cert.pem, key.pem
                """).orFail();
        String ready = "{.status.phase}/{.status.conditions[?(@.type==\"Ready\")].reason}";
        kdop.awaitJsonPath(ns, "dockerhost", "remote-host", ready, "Pending/TLSSecretNotFound");

        kube.kubectl("create", "secret", "generic", "docker-tls-secret", "-n", ns, "--from-literal=ca.pem=x",
                "--from-literal=cert.pem=y").orFail();
        // picked up at the next probe (every 10 s while the host does not answer)
        kdop.awaitJsonPath(ns, "dockerhost", "remote-host", ready, "Pending/TLSSecretMissingKey");
        assertThat(kube.kubectl("describe", "dockerhost", "remote-host", "-n", ns).orFail())
                .contains("has no key.pem");
        assertThat(kdop.permissionDenials()).isEmpty();
    }

    private static Cli.Result apply(String manifest) {
        return kube.kubectlWithInput(manifest, "apply", "-n", ns, "-f", "-");
    }
}
