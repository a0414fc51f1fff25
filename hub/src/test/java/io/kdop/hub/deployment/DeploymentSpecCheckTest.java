package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.TemplateMetadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Manifests a user may write that the API server accepts but no replica could be made from. */
class DeploymentSpecCheckTest {

    @Test
    void aGoodSpecHasNoProblem() {
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web"), List.of("A=1"), null))).isEmpty();
    }

    @Test
    void aNameTooLongForTheReplicasDeploymentLabelIsTheProblemNotARefusedCreate() {
        String name = "w".repeat(64);
        assertThat(DeploymentSpecCheck.problem(name, spec(Map.of("app", "web"), null, null))).get().asString()
                .contains("metadata.name is 64 characters", "at most 63");
        assertThat(DeploymentSpecCheck.problem("w".repeat(63), spec(Map.of("app", "web"), null, null))).isEmpty();
    }

    @Test
    void aTemplateLabelKubernetesCannotStoreIsNamed() {
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "my web"), null, null))).get().asString()
                .contains("spec.template.metadata.labels", "value of app ('my web')");
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web", "Bad_Prefix/x", "1"), null, null)))
                .get().asString().contains("'Bad_Prefix/x' is not a label key");
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web", "v".repeat(64), "1"), null, null)))
                .get().asString().contains("is not a label key");
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web", "example.com/tier", "front-1"), null,
                null))).isEmpty();
    }

    @Test
    void aTemplateLabelTheHubSetsOnEachReplicaIsRefused() {
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web", ReplicaTemplate.REVISION_LABEL, "v1"),
                null, null))).get().asString().contains("has kdop.io.vn/revision: the hub sets that label");
    }

    @Test
    void aTemplateTheDockerContainerControllerWouldRefuseIsRefusedBeforeAnyReplicaIsMade() {
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web"), List.of("NOEQUALS"), null)))
                .get().asString().contains("spec.template is not a valid DockerContainer", "\"NOEQUALS\"");
    }

    @Test
    void aSecretThatDoesNotExistYetIsNotASpecProblem() {
        EnvVar fromSecret = new com.fasterxml.jackson.databind.ObjectMapper().convertValue(Map.of("name", "TOKEN",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "later", "key", "token"))), EnvVar.class);
        assertThat(DeploymentSpecCheck.problem("web", spec(Map.of("app", "web"), null, List.of(fromSecret)))).isEmpty();
    }

    @Test
    void maxUnavailableAndMaxSurgeBothZeroIsRefusedAsKubernetesDoes() {
        DockerDeploymentSpec base = spec(Map.of("app", "web"), null, null);
        DockerDeploymentSpec both0 = new DockerDeploymentSpec(base.replicas(), base.selector(), base.template(), null,
                new DeploymentStrategy("RollingUpdate", new DeploymentStrategy.RollingUpdate(new IntOrString(0),
                        new IntOrString("0%"))), null, null, null);
        assertThat(DeploymentSpecCheck.problem("web", both0)).get().asString()
                .contains("maxUnavailable and maxSurge are both 0");
    }

    private static DockerDeploymentSpec spec(Map<String, String> labels, List<String> env, List<EnvVar> envVars) {
        return new DockerDeploymentSpec(2, new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build(),
                new DeploymentTemplate(new TemplateMetadata(labels, null), new DockerContainerSpec("busybox:1.36", null,
                        null, env, envVars, null, null, null, null, null, null, null, null, null, null, null, null)),
                null, null, null, null, null);
    }
}
