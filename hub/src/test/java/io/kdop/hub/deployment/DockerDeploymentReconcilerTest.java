package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerDeployment;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.deployment.DeploymentPlacement;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.DockerDeploymentStatus;
import io.kdop.hub.api.deployment.TemplateMetadata;
import io.kdop.hub.testing.SettableClock;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DockerDeployment controller against fabric8's CRUD mock of the API server: the replicas it
 * creates, where, with which labels and owner; the status it writes; edits put back; a rollout
 * step; an invalid spec; deletion. Replica readiness is set by hand, as the DockerContainer
 * controller would from the agents' reports.
 */
class DockerDeploymentReconcilerTest {

    private static final String NS = "edge";
    private static final String HUB_NS = "kdop-system";
    // Held so the level sticks: java.util.logging keeps loggers only weakly.
    private final java.util.logging.Logger mockLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T12:00:00Z"));
    private DockerDeploymentReconciler reconciler;
    /** The informers' stand-in: the API itself, less the replicas a test says the cache has not seen yet. */
    private final java.util.Set<String> notYetCached = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final DeploymentCaches cache = new DeploymentCaches() {
        @Override
        public List<DockerContainer> containers(String namespace) {
            return client.resources(DockerContainer.class).inNamespace(namespace).list().getItems().stream()
                    .filter(dc -> !notYetCached.contains(dc.getMetadata().getName())).toList();
        }

        @Override
        public List<DockerHost> hosts(String namespace) {
            return client.resources(DockerHost.class).inNamespace(namespace).list().getItems();
        }

        @Override
        public void created(DockerContainer replica) {}
    };

    @BeforeEach
    void start() {
        mockLog.setLevel(java.util.logging.Level.WARNING);
        // mixed: the CRUD stand-in, except where a test expects a response (an API server's refusal)
        Map<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>> expected =
                new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), expected,
                new KubernetesMixedDispatcher(expected, List.of(
                        CustomResourceDefinitionContext.fromCustomResourceType(DockerHost.class),
                        CustomResourceDefinitionContext.fromCustomResourceType(DockerContainer.class),
                        CustomResourceDefinitionContext.fromCustomResourceType(DockerDeployment.class))), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        reconciler = new DockerDeploymentReconciler(client, HUB_NS, new io.kdop.hub.events.EventRecorder(client, clock),
                clock, cache);
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void createsOwnedLabelledReplicasSpreadOverTheSelectedConnectedHosts() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        host(NS, "edge-2", "Connected", Map.of("pool", "edge"));
        host(NS, "edge-3", "Disconnected", Map.of("pool", "edge"));
        host(NS, "office", "Connected", Map.of("pool", "office"));
        DockerDeployment web = deployment("web", 4, "kdop-test/busybox:1");

        reconcile(web);
        List<DockerContainer> replicas = replicas();
        assertThat(replicas).hasSize(4);
        assertThat(replicas).extracting(dc -> dc.getSpec().dockerHostRef())
                .containsExactlyInAnyOrder("edge-1", "edge-1", "edge-2", "edge-2");
        String revision = replicas.getFirst().getMetadata().getLabels().get(ReplicaTemplate.REVISION_LABEL);
        assertThat(replicas).allSatisfy(dc -> {
            assertThat(dc.getMetadata().getName()).startsWith("web-" + revision + "-");
            assertThat(dc.getMetadata().getLabels()).containsEntry("app", "web")
                    .containsEntry(ReplicaTemplate.DEPLOYMENT_LABEL, "web");
            assertThat(dc.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                assertThat(ref.getKind()).isEqualTo("DockerDeployment");
                assertThat(ref.getUid()).isEqualTo(web.getMetadata().getUid());
                assertThat(ref.getController()).isTrue();
            });
            assertThat(dc.getSpec().image()).isEqualTo("kdop-test/busybox:1");
        });
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .as("kubectl describe dockerdeployment web: the replicas it created")
                .anySatisfy(e -> {
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                    assertThat(e.getReason()).isEqualTo("ReplicaCreated");
                    assertThat(e.getMessage()).startsWith("created replica web-" + revision + "-");
                });

        DockerDeploymentStatus pending = reconcile(web);
        assertThat(pending.replicas()).isEqualTo(4);
        assertThat(pending.ready()).isEqualTo("0/4");
        assertThat(pending.selector()).isEqualTo("app=web");
        assertThat(condition(pending, RolloutProgress.AVAILABLE).getReason()).isEqualTo(RolloutProgress.MINIMUM_UNAVAILABLE);
        assertThat(replicas()).as("nothing more is created").hasSize(4);

        replicas().forEach(this::markReady);
        DockerDeploymentStatus ready = reconcile(web);
        assertThat(ready.ready()).isEqualTo("4/4");
        assertThat(ready.availableReplicas()).isEqualTo(4);
        assertThat(ready.updatedReplicas()).isEqualTo(4);
        assertThat(ready.hosts()).isEqualTo(Map.of("edge-1", 2, "edge-2", 2));
        assertThat(condition(ready, RolloutProgress.AVAILABLE).getReason()).isEqualTo(RolloutProgress.MINIMUM_AVAILABLE);
        assertThat(condition(ready, RolloutProgress.PROGRESSING).getReason()).isEqualTo(RolloutProgress.COMPLETE);
    }

    @Test
    void anEditedReplicaIsPutBackAndANewTemplateRollsOutOneStepAtATime() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        host(NS, "edge-2", "Connected", Map.of("pool", "edge"));
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        reconcile(web);
        replicas().forEach(this::markReady);
        reconcile(web);

        DockerContainer edited = replicas().getFirst();
        String name = edited.getMetadata().getName();
        client.resources(DockerContainer.class).inNamespace(NS).withName(name).edit(dc -> {
            dc.setSpec(new DockerContainerSpec("evil:1", null, null, null, null, null, null, "edge-2", null, null, null,
                    null, null, null, null, null, null));
            dc.getMetadata().getLabels().remove("app");
            return dc;
        });
        reconcile(web);
        DockerContainer restored = client.resources(DockerContainer.class).inNamespace(NS).withName(name).get();
        assertThat(restored.getSpec().image()).isEqualTo("kdop-test/busybox:1");
        assertThat(restored.getSpec().dockerHostRef()).as("back on the host it was placed on")
                .isEqualTo(edited.getSpec().dockerHostRef());
        assertThat(restored.getMetadata().getLabels()).containsEntry("app", "web");

        // a new image: maxSurge 25% of 2 = 1 new replica, maxUnavailable 25% of 2 = 0 old ones go
        DockerDeployment v2 = deployment("web", 2, "kdop-test/busybox:2");
        reconcile(v2);
        List<DockerContainer> during = replicas();
        assertThat(during).hasSize(3);
        assertThat(during.stream().filter(dc -> "kdop-test/busybox:2".equals(dc.getSpec().image()))).hasSize(1);
        reconcile(v2);
        assertThat(replicas()).as("the new one is not ready: nothing more happens").hasSize(3);

        replicas().forEach(this::markReady);
        reconcile(v2);
        assertThat(replicas()).as("it is available: one old one goes").hasSize(2);
    }

    @Test
    void aWrongSpecChangesNothingAndSaysWhy() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        web.getSpec().template().metadata().labels().put("app", "other");
        DockerDeploymentStatus status = reconcile(web);
        assertThat(replicas()).isEmpty();
        Condition progressing = condition(status, RolloutProgress.PROGRESSING);
        assertThat(progressing.getStatus()).isEqualTo("False");
        assertThat(progressing.getReason()).isEqualTo("InvalidSpec");
        assertThat(progressing.getMessage()).contains("spec.selector (app=web) does not match spec.template.metadata.labels");
    }

    @Test
    void aHostSelectorWithAnUnknownOperatorIsTheConditionNotAnError() {
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        web.getSpec().placement().hostSelector().setMatchExpressions(List.of(
                new io.fabric8.kubernetes.api.model.LabelSelectorRequirement("zone", "Near", List.of("a"))));
        Condition progressing = condition(reconcile(web), RolloutProgress.PROGRESSING);
        assertThat(progressing.getReason()).isEqualTo("InvalidSpec");
        assertThat(progressing.getMessage()).contains("spec.placement.hostSelector", "unknown selector operator Near");
    }

    @Test
    void aHostSelectorThatPlacesNothingSaysWhetherNoHostMatchesOrNoneIsUp() {
        host(NS, "office", "Connected", Map.of("pool", "office"));
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        assertThat(condition(reconcile(web), RolloutProgress.PROGRESSING).getMessage())
                .contains("2 replica(s) fit on no eligible DockerHost: no DockerHost matches "
                        + "spec.placement.hostSelector (pool=edge)");

        host(NS, "edge-3", "Disconnected", Map.of("pool", "edge"));
        assertThat(condition(reconcile(web), RolloutProgress.PROGRESSING).getMessage())
                .contains("every DockerHost spec.placement.hostSelector (pool=edge) matches is not Connected and Ready "
                        + "(edge-3)");
        assertThat(replicas()).isEmpty();
    }

    @Test
    void aReplicaTheApiServerRefusesIsInTheStatusNotOnlyInTheLog() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        DockerDeployment web = deployment("web", 1, "kdop-test/busybox:1");
        String revision = ReplicaTemplate.revision(web.getSpec().template());
        // as a validating webhook or a quota would: every create of a replica is refused
        server.expect().post().withPath("/apis/" + io.kdop.hub.api.KdopApi.GROUP + "/" + io.kdop.hub.api.KdopApi.VERSION
                        + "/namespaces/" + NS + "/dockercontainers")
                .andReturn(422, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(422)
                        .withMessage("DockerContainer \"web-" + revision + "-0\" is invalid: metadata.labels: Invalid "
                                + "value").build()).always();
        assertThat(condition(reconcile(web), RolloutProgress.PROGRESSING).getMessage())
                .contains("the API server refused a change to the replicas: HTTP 422: DockerContainer \"web-"
                        + revision + "-0\" is invalid: metadata.labels");
    }

    @Test
    void aPassThatChangesNothingWritesNoStatus() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        reconcile(web);
        reconcile(web);
        clock.advance(java.time.Duration.ofSeconds(5));
        assertThat(reconciler.reconcile(stored("web"), null).isPatchStatus()).as("rolling out, nothing new").isFalse();
        replicas().forEach(this::markReady);
        reconcile(web);
        clock.advance(java.time.Duration.ofSeconds(5));
        assertThat(reconciler.reconcile(stored("web"), null).isPatchStatus()).as("rolled out").isFalse();

        DockerDeployment wrong = deployment("web", 2, "kdop-test/busybox:1");
        wrong.getSpec().template().metadata().labels().put("app", "other");
        reconcile(wrong);
        clock.advance(java.time.Duration.ofSeconds(5));
        DockerDeployment again = stored("web");
        again.setSpec(wrong.getSpec());
        assertThat(reconciler.reconcile(again, null).isPatchStatus()).as("still invalid").isFalse();
    }

    @Test
    void aReplicaTheCacheHasNotSeenYetIsNotCreatedTwiceNorCalledARefusal() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        host(NS, "edge-2", "Connected", Map.of("pool", "edge"));
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        reconcile(web);
        List<String> created = replicas().stream().map(dc -> dc.getMetadata().getName()).sorted().toList();
        assertThat(created).hasSize(2);
        // the informer's watch event for both is late: the next pass sees no replica at all
        notYetCached.addAll(created);

        DockerDeploymentStatus status = reconcile(web);
        assertThat(replicas()).extracting(dc -> dc.getMetadata().getName())
                .as("the same deterministic names answered 409: nothing more was created")
                .containsExactlyInAnyOrderElementsOf(created);
        assertThat(condition(status, RolloutProgress.PROGRESSING).getMessage()).doesNotContain("refused");
        assertThat(client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "ReplicaCreated".equals(e.getReason())).mapToInt(e -> e.getCount()).sum())
                .as("ReplicaCreated events (aggregated, with a count): only the first pass's").isEqualTo(2);

        notYetCached.clear();
        replicas().forEach(this::markReady);
        assertThat(reconcile(web).ready()).isEqualTo("2/2");
        assertThat(replicas()).hasSize(2);
    }

    @Test
    void fieldsWithNoEffectAreAWarningConditionThatGoesWhenTheyAreUsed() {
        DockerDeployment web = deployment("web", 1, "kdop-test/busybox:1");
        DockerDeploymentSpec selecting = web.getSpec();
        web.setSpec(new DockerDeploymentSpec(1, selecting.selector(), selecting.template(), null, null, null, null, "2m"));
        Condition ignored = condition(reconcile(web), IgnoredFields.TYPE);
        assertThat(ignored.getReason()).isEqualTo("IgnoredFields");
        assertThat(ignored.getMessage()).startsWith("spec.hostFailureTimeout has no effect");

        web.setSpec(selecting);
        assertThat(Conditions.find(reconcile(web).conditions(), IgnoredFields.TYPE)).isEmpty();
    }

    private DockerDeployment stored(String name) {
        return client.resources(DockerDeployment.class).inNamespace(NS).withName(name).get();
    }

    @Test
    void deletingTheDeploymentDeletesItsReplicasAndOnlyThem() {
        host(NS, "edge-1", "Connected", Map.of("pool", "edge"));
        DockerDeployment web = deployment("web", 2, "kdop-test/busybox:1");
        reconcile(web);
        DockerContainer other = new DockerContainer();
        other.getMetadata().setName("not-owned");
        other.getMetadata().setNamespace(NS);
        other.getMetadata().setLabels(Map.of("app", "web"));
        other.setSpec(new DockerContainerSpec("x", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null));
        client.resource(other).create();

        reconciler.cleanup(web, null);
        assertThat(client.resources(DockerContainer.class).inNamespace(NS).list().getItems())
                .extracting(dc -> dc.getMetadata().getName()).containsExactly("not-owned");
    }

    private DockerDeploymentStatus reconcile(DockerDeployment d) {
        DockerDeployment stored = client.resources(DockerDeployment.class).inNamespace(NS).withName(d.getMetadata().getName())
                .get();
        stored.setSpec(d.getSpec());
        reconciler.reconcile(stored, null);
        if (stored.getStatus() != null) {
            client.resource(stored).updateStatus();
        }
        return stored.getStatus();
    }

    private List<DockerContainer> replicas() {
        return client.resources(DockerContainer.class).inNamespace(NS).list().getItems().stream()
                .filter(dc -> dc.getMetadata().getOwnerReferences() != null && !dc.getMetadata().getOwnerReferences().isEmpty())
                .toList();
    }

    /** What the DockerContainer controller writes once the agent reports the replica running. */
    private void markReady(DockerContainer dc) {
        DockerContainer fresh = client.resources(DockerContainer.class).inNamespace(NS).withName(dc.getMetadata().getName())
                .get();
        fresh.setStatus(new DockerContainerStatus("Running", NS + "/" + fresh.getSpec().dockerHostRef(), "id", null, null,
                0, null, null, null, fresh.getMetadata().getGeneration(), null,
                Conditions.with(List.of(), Conditions.READY, true, "Running", "running", fresh.getMetadata().getGeneration(),
                        clock.instant().minusSeconds(60))));
        client.resource(fresh).updateStatus();
    }

    private DockerDeployment deployment(String name, int replicas, String image) {
        DockerDeployment existing = client.resources(DockerDeployment.class).inNamespace(NS).withName(name).get();
        DockerDeploymentSpec spec = new DockerDeploymentSpec(replicas,
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", name)).build(),
                new DeploymentTemplate(new TemplateMetadata(new HashMap<>(Map.of("app", name)), null),
                        new DockerContainerSpec(image, null, List.of("sleep", "3600"), null, null, null, null, null, null,
                                null, null, null, null, null, null, null, null)),
                new DeploymentPlacement(new LabelSelectorBuilder().withMatchLabels(Map.of("pool", "edge")).build(), null),
                null, null, null, null);
        if (existing != null) {
            existing.setSpec(spec);
            return existing;
        }
        DockerDeployment d = new DockerDeployment();
        d.getMetadata().setName(name);
        d.getMetadata().setNamespace(NS);
        d.setSpec(spec);
        return client.resource(d).create();
    }

    private void host(String namespace, String name, String phase, Map<String, String> labels) {
        DockerHost host = new DockerHost();
        host.getMetadata().setName(name);
        host.getMetadata().setNamespace(namespace);
        host.getMetadata().setLabels(labels);
        DockerHost created = client.resource(host).create();
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase(phase);
        status.setConditions(Conditions.with(List.of(), Conditions.READY, "Connected".equals(phase), phase, phase, 1L,
                clock.instant()));
        status.setLastHeartbeatTime(Timestamps.format(clock.instant()));
        created.setStatus(status);
        client.resource(created).updateStatus();
    }

    private static Condition condition(DockerDeploymentStatus status, String type) {
        return Conditions.find(status.conditions(), type).orElseThrow(() -> new AssertionError("no " + type + " condition"));
    }
}
