package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.HostPolicySpec;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.SecretVolume;
import io.kdop.hub.api.job.DockerJobSpec;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.proto.v1.DesiredState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's default host, as both workload controllers apply it against fabric8's CRUD mock of
 * the API server: no spec.dockerHostRef means the DockerHost named default, in the workload's
 * namespace first, then in the hub's; without one the status says so and how to create it; a
 * direct host named default takes no workload and says why.
 */
class DefaultHostPlacementTest {

    private static final String TEAM = "team-a";
    private static final String HUB_NAMESPACE = WorkloadControllers.HUB_NAMESPACE;
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
    void withoutAnyDefaultHostBothKindsSayWhichHostTheyWantAndHowToCreateIt() {
        Condition ready = readyOf(containers.reconcile(container("app"), null));
        Condition accepted = acceptedOf(jobs.reconcile(job("migrate"), null));

        for (Condition c : List.of(ready, accepted)) {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("HostNotFound");
            assertThat(c.getMessage()).contains("spec.dockerHostRef is not set", "the DockerHost named default",
                    "none in namespace team-a or kdop-system",
                    "kubectl apply -f examples/dockerhost.yaml with metadata.name: default, in namespace team-a",
                    "or set spec.dockerHostRef");
        }
        assertThat(book.current(TEAM + "/default")).isEmpty();
        assertThat(book.current(HUB_NAMESPACE + "/default")).isEmpty();
    }

    @Test
    void theHubsDefaultHostTakesThemAndTheNamespacesOwnDefaultComesFirst() {
        host(HUB_NAMESPACE, null); // shared: its policy lets team-a in
        assertThat(readyOf(containers.reconcile(container("app"), null)).getReason()).isEqualTo(PLACED);
        assertThat(acceptedOf(jobs.reconcile(job("migrate"), null)).getStatus()).isEqualTo("True");
        DesiredState shared = book.current(HUB_NAMESPACE + "/default").orElseThrow();
        assertThat(shared.getContainersCount()).isEqualTo(1);
        assertThat(shared.getJobsCount()).isEqualTo(1);

        host(TEAM, null);
        DockerContainer later = container("later");
        assertThat(readyOf(containers.reconcile(later, null)).getReason()).isEqualTo(PLACED);
        assertThat(later.getStatus().host()).isEqualTo(TEAM + "/default");
        assertThat(book.current(TEAM + "/default").orElseThrow().getContainersCount()).isEqualTo(1);
    }

    @Test
    void aDirectDefaultHostTakesContainersAndJobs() {
        host(TEAM, "tcp://192.0.2.10:2376");

        containers.reconcile(container("app"), null);
        Condition accepted = acceptedOf(jobs.reconcile(job("migrate"), null));

        // both are in the host's desired state, which the hub's engine for the host enforces
        DesiredState state = book.current(TEAM + "/default").orElseThrow();
        assertThat(state.getContainersList()).extracting(c -> c.getWorkload().getName()).containsExactly("app");
        assertThat(state.getJobsList()).extracting(j -> j.getContainer().getWorkload().getName())
                .containsExactly("migrate");
        assertThat(accepted.getStatus()).isEqualTo("True");
    }

    @Test
    void aJobWithSecretVolumesIsTakenOnADirectHost() {
        host(TEAM, "tcp://192.0.2.10:2376");
        client.secrets().inNamespace(TEAM).resource(new SecretBuilder().withNewMetadata().withName("files")
                .endMetadata().addToStringData("a", "b").build()).create();

        Condition accepted = acceptedOf(jobs.reconcile(job("migrate",
                List.of(new SecretVolume("files", "/etc/files"))), null));

        assertThat(accepted.getStatus()).isEqualTo("True");
        assertThat(book.current(TEAM + "/default").map(DesiredState::getJobsCount).orElse(0)).isEqualTo(1);
    }

    @Test
    void theMessageForANamedHostAsksToFixTheReference() {
        assertThat(HostLookup.notFound("edge-9", "team-a", HUB_NAMESPACE)).isEqualTo("there is no DockerHost named "
                + "edge-9 in namespace team-a or kdop-system; create one (kubectl apply -f examples/dockerhost.yaml "
                + "with metadata.name: edge-9, in namespace team-a) or fix spec.dockerHostRef");
        assertThat(HostLookup.notFound(" ", HUB_NAMESPACE, HUB_NAMESPACE))
                .contains("named default, and there is none in namespace kdop-system;");
    }

    private void host(String namespace, String hostURL) {
        DockerHost host = new DockerHost();
        host.getMetadata().setNamespace(namespace);
        host.getMetadata().setName("default");
        DockerHostSpec spec = new DockerHostSpec();
        spec.setHostURL(hostURL);
        if (!namespace.equals(TEAM)) {
            spec.setPolicy(new HostPolicySpec(List.of(TEAM), null, null, null));
        }
        host.setSpec(spec);
        client.resource(host).createOr(existing -> existing.update());
    }

    private DockerContainer container(String name) {
        DockerContainer container = new DockerContainer();
        container.getMetadata().setNamespace(TEAM);
        container.getMetadata().setName(name);
        container.setSpec(new DockerContainerSpec("busybox:1.36", null, List.of("sleep", "60"), null, null, null, null,
                null, null, null, null, null, null, null, null, null, null));
        return client.resource(container).create();
    }

    private DockerJob job(String name) {
        return job(name, null);
    }

    private DockerJob job(String name, List<SecretVolume> secretVolumes) {
        DockerJob job = new DockerJob();
        job.getMetadata().setNamespace(TEAM);
        job.getMetadata().setName(name);
        job.setSpec(new DockerJobSpec("busybox:1.36", null, List.of("true"), null, null, null, null, secretVolumes,
                null, null, null, null, "Never", 0, null, null, null));
        return client.resource(job).create();
    }

    private static Condition readyOf(UpdateControl<DockerContainer> control) {
        return control.getResource().orElseThrow().getStatus().conditions().stream()
                .filter(c -> c.getType().equals(Conditions.READY)).findFirst().orElseThrow();
    }

    private static Condition acceptedOf(UpdateControl<DockerJob> control) {
        return control.getResource().orElseThrow().getStatus().conditions().stream()
                .filter(c -> c.getType().equals(JobStatusRules.ACCEPTED)).findFirst().orElseThrow();
    }
}
