package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import io.kdop.hub.api.deployment.TemplateMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaTemplateTest {

    @Test
    void theRevisionDependsOnTheTemplateOnlyNotOnMapOrder() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertThat(ReplicaTemplate.revision(template("busybox:1", ab))).isEqualTo(ReplicaTemplate.revision(template("busybox:1", ba)))
                .hasSize(10).matches("[0-9a-f]+");
        assertThat(ReplicaTemplate.revision(template("busybox:1", ab)))
                .isNotEqualTo(ReplicaTemplate.revision(template("busybox:2", ab)));
    }

    @Test
    void aReplicaRunsTheTemplateOnItsHostUnderItsOwnName() {
        DockerContainerSpec on = ReplicaTemplate.specOn(template("busybox:1", Map.of("app", "web")), "edge-2");
        assertThat(on.dockerHostRef()).isEqualTo("edge-2");
        assertThat(on.containerName()).as("two replicas on one host must not share a name").isNull();
        assertThat(on.image()).isEqualTo("busybox:1");
        assertThat(ReplicaTemplate.labels(template("x", Map.of("app", "web")), "web", "abc"))
                .containsEntry("app", "web").containsEntry("kdop.io.vn/deployment", "web")
                .containsEntry("kdop.io.vn/revision", "abc");
    }

    @Test
    void selectorsReadAsKubectlWritesThem() {
        assertThat(SelectorText.of(new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "edge", "app", "web"))
                .withMatchExpressions(new LabelSelectorRequirementBuilder().withKey("zone").withOperator("In")
                        .withValues("b", "a").build()).build())).isEqualTo("app=web,tier=edge,zone in (a,b)");
    }

    private static DeploymentTemplate template(String image, Map<String, String> labels) {
        return new DeploymentTemplate(new TemplateMetadata(labels, null), new DockerContainerSpec(image, "fixed", List.of("sleep", "1"),
                null, null, null, null, null, null, null, null, null, null, null, null, null, null));
    }
}
