package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.HostPathRule;
import io.kdop.hub.api.HostPolicySpec;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.VolumeMount;
import io.kdop.hub.api.job.DockerJobSpec;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DockerHost's policy as the workload controllers apply it, against fabric8's CRUD mock of the
 * API server: a workload the host's policy refuses is not placed and its status says why; the
 * policy goes to the host's agent in its desired state.
 */
class HostPolicyPlacementTest {

    private static final String HUB_NAMESPACE = WorkloadControllers.HUB_NAMESPACE;
    private static final String SHARED = HUB_NAMESPACE + "/shared";
    private static final String PLACED = WorkloadControllers.PLACED;

    private WorkloadControllers controllers;
    private KubernetesClient client;
    private DesiredStateBook book;
    private DockerContainerReconciler containers;
    private DockerJobReconciler jobs;

    @BeforeEach
    void start() {
        controllers = new WorkloadControllers();
        client = controllers.client;
        book = controllers.book;
        containers = controllers.containers;
        jobs = controllers.jobs;
    }

    @AfterEach
    void stop() {
        controllers.close();
    }

    @Test
    void aWorkloadOfAnotherNamespaceIsNotPlacedOnASharedHostUntilItsPolicyAllowsIt() {
        host(HUB_NAMESPACE, "shared", null);
        DockerContainer app = container("team-a", "app", "shared", List.of(), null);

        Condition ready = readyOf(containers.reconcile(app, null));
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("PolicyDenied");
        assertThat(ready.getMessage()).contains("DockerHost kdop-system/shared", "namespace team-a",
                "spec.policy.allowedNamespaces is not set", "only the host's own namespace kdop-system",
                "not placed on the host").doesNotContain("keeps running");
        assertThat(placedOnShared()).isEmpty();

        host(HUB_NAMESPACE, "shared", new HostPolicySpec(List.of("team-a"),
                List.of(new HostPathRule("/srv/team-a", false), new HostPathRule("/srv/shared", true)), null, null));
        assertThat(readyOf(containers.reconcile(app, null)).getReason()).isEqualTo(PLACED);
        assertThat(placedOnShared()).extracting(ContainerSpec::getContainerName).containsExactly("app");
        assertThat(book.current(SHARED).orElseThrow().getPolicy().getAllowedNamespacesList())
                .as("the agent gets the policy to check again").containsExactly("team-a");

        // the owner takes team-a off again: its running workload leaves the host, even with a spec
        // that does not resolve now (a missing Secret would otherwise keep its container as it is)
        host(HUB_NAMESPACE, "shared", new HostPolicySpec(List.of("team-b"), null, null, null));
        DockerContainer unresolved = container("team-a", "app", "shared", List.of(), null);
        unresolved.setSpec(new DockerContainerSpec("busybox:1.36", null, null, null, null, null, null, "shared", null,
                null, null, null, List.of(new io.kdop.hub.api.container.SecretVolume("missing", "/s")), null, null,
                null, null));
        assertThat(readyOf(containers.reconcile(unresolved, null)).getReason()).isEqualTo("PolicyDenied");
        DesiredState after = book.current(SHARED).orElseThrow();
        assertThat(after.getContainersList()).isEmpty();
        assertThat(after.getRetainedWorkloadUidsList()).isEmpty();
        assertThat(after.getPolicy().getAllowedNamespacesList()).containsExactly("team-b");
    }

    @Test
    void anAllowedGuestMayMountOnlyWhatThePolicyListsAndIsTakenOffWhenItAsksForMore() {
        host(HUB_NAMESPACE, "shared", new HostPolicySpec(List.of("team-a"),
                List.of(new HostPathRule("/srv/team-a", false), new HostPathRule("/srv/shared", true)), null, null));
        DockerContainer app = container("team-a", "app", "shared",
                List.of(new VolumeMount("/srv/team-a/data", "/data", false), new VolumeMount("/srv/shared", "/s", true)),
                null);
        assertThat(readyOf(containers.reconcile(app, null)).getReason()).isEqualTo(PLACED);
        assertThat(placedOnShared()).hasSize(1);

        DockerContainer edited = container("team-a", "app", "shared", List.of(new VolumeMount("/etc", "/host-etc", false)),
                null);
        Condition ready = readyOf(containers.reconcile(edited, null));
        assertThat(ready.getReason()).isEqualTo("PolicyDenied");
        assertThat(ready.getMessage()).contains("DockerHost kdop-system/shared", "host path /etc",
                "spec.policy.hostPaths allows /srv/team-a, /srv/shared (read-only)");
        assertThat(placedOnShared()).as("taken off the host").isEmpty();

        DockerContainer writesShared = container("team-a", "app", "shared",
                List.of(new VolumeMount("/srv/shared/x", "/s", false)), null);
        assertThat(readyOf(containers.reconcile(writesShared, null)).getMessage())
                .contains("allows host path /srv/shared/x only read-only");
        DockerContainer hostNetwork = container("team-a", "app", "shared", List.of(), "host");
        assertThat(readyOf(containers.reconcile(hostNetwork, null)).getMessage())
                .contains("does not allow spec.networkMode host", "spec.policy.allowHostNetwork is not set");
        assertThat(placedOnShared()).isEmpty();
    }

    @Test
    void aSpecThatNoLongerResolvesCannotKeepAHostPathThePolicyNowRefuses() {
        host(HUB_NAMESPACE, "shared", new HostPolicySpec(List.of("team-a"),
                List.of(new HostPathRule("/srv/team-a", false)), null, null));
        DockerContainer app = container("team-a", "app", "shared",
                List.of(new VolumeMount("/srv/team-a/data", "/data", false)), null);
        assertThat(readyOf(containers.reconcile(app, null)).getReason()).isEqualTo(PLACED);

        // the tenant breaks the spec (a missing Secret), then the owner makes the prefix read-only
        DockerContainer broken = container("team-a", "app", "shared",
                List.of(new VolumeMount("/srv/team-a/data", "/data", false)), null);
        broken.setSpec(new DockerContainerSpec("busybox:1.36", null, null, null, null, null, null, "shared", null,
                null, null, List.of(new VolumeMount("/srv/team-a/data", "/data", false)),
                List.of(new io.kdop.hub.api.container.SecretVolume("missing", "/s")), null, null, null, null));
        host(HUB_NAMESPACE, "shared", new HostPolicySpec(List.of("team-a"),
                List.of(new HostPathRule("/srv/team-a", true)), null, null));

        Condition ready = readyOf(containers.reconcile(broken, null));
        assertThat(ready.getReason()).isEqualTo("PolicyDenied");
        assertThat(ready.getMessage()).contains("/srv/team-a/data", "read-only");
        DesiredState after = book.current(SHARED).orElseThrow();
        assertThat(after.getContainersList()).isEmpty();
        assertThat(after.getRetainedWorkloadUidsList()).as("not kept at its last spec").isEmpty();
    }

    @Test
    void aHostWithoutAPolicyRunsWhatItsOwnNamespaceDeclaresAsBefore() {
        host("edge", "edge-1", null);
        DockerContainer app = container("edge", "app", "edge-1", List.of(new VolumeMount("/etc", "/host-etc", false)),
                "host");
        assertThat(readyOf(containers.reconcile(app, null)).getReason()).isEqualTo(PLACED);
        DesiredState state = book.current("edge/edge-1").orElseThrow();
        assertThat(state.getContainersList()).hasSize(1);
        assertThat(state.hasPolicy()).as("no policy, no field: the digest stays what it was").isFalse();
    }

    @Test
    void aJobOfAnotherNamespaceIsNotAccepted() {
        host(HUB_NAMESPACE, "shared", null);
        DockerJob job = new DockerJob();
        job.getMetadata().setNamespace("team-a");
        job.getMetadata().setName("migrate");
        job.setSpec(new DockerJobSpec("busybox:1.36", null, List.of("true"), null, null, null, null, null, "shared",
                null, null, null, "Never", 0, null, null, null));
        job = client.resource(job).create();

        UpdateControl<DockerJob> control = jobs.reconcile(job, null);
        Condition accepted = control.getResource().orElseThrow().getStatus().conditions().stream()
                .filter(c -> c.getType().equals(JobStatusRules.ACCEPTED)).findFirst().orElseThrow();
        assertThat(accepted.getStatus()).isEqualTo("False");
        assertThat(accepted.getReason()).isEqualTo("PolicyDenied");
        assertThat(accepted.getMessage()).contains("DockerHost kdop-system/shared", "namespace team-a");
        assertThat(book.current(SHARED).map(DesiredState::getJobsCount).orElse(0)).isZero();
    }

    private void host(String namespace, String name, HostPolicySpec policy) {
        DockerHost host = new DockerHost();
        host.getMetadata().setNamespace(namespace);
        host.getMetadata().setName(name);
        DockerHostSpec spec = new DockerHostSpec();
        spec.setPolicy(policy);
        host.setSpec(spec);
        client.resource(host).createOr(existing -> existing.update());
    }

    private DockerContainer container(String namespace, String name, String hostRef, List<VolumeMount> mounts,
            String networkMode) {
        DockerContainer container = new DockerContainer();
        container.getMetadata().setNamespace(namespace);
        container.getMetadata().setName(name);
        container.setSpec(new DockerContainerSpec("busybox:1.36", null, null, null, null, null, null, hostRef, null,
                null, null, mounts, null, null, networkMode, null, null));
        DockerContainer stored = client.resources(DockerContainer.class).inNamespace(namespace).withName(name).get();
        if (stored != null) {
            container.getMetadata().setUid(stored.getMetadata().getUid());
            container.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
            return client.resource(container).update();
        }
        return client.resource(container).create();
    }

    private List<ContainerSpec> placedOnShared() {
        return book.current(SHARED).map(DesiredState::getContainersList).orElse(List.of());
    }

    private static Condition readyOf(UpdateControl<DockerContainer> control) {
        return control.getResource().orElseThrow().getStatus().conditions().stream()
                .filter(c -> c.getType().equals(Conditions.READY)).findFirst().orElseThrow();
    }
}
