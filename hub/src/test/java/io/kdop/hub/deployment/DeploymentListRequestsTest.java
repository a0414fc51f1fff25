package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerDeployment;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.deployment.DeploymentPlacement;
import io.kdop.hub.api.deployment.DeploymentTemplate;
import io.kdop.hub.api.deployment.DockerDeploymentSpec;
import io.kdop.hub.api.deployment.TemplateMetadata;
import io.kdop.hub.events.EventRecorder;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a DockerDeployment pass costs the API server: the controller in a real JOSDK Operator
 * against the CRUD mock, every list request (GET of a collection, not a watch) counted by
 * resource. Passes read replicas and hosts from the informers, so after the informers' own first
 * list, scaling a deployment up and down lists nothing more, whatever the number of passes.
 */
class DeploymentListRequestsTest {

    private static final String NS = "edge";
    private final java.util.logging.Logger mockLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();

    private KubernetesMockServer server;
    private KubernetesClient client;
    private Operator operator;

    @BeforeEach
    void start() {
        mockLog.setLevel(java.util.logging.Level.WARNING);
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of(
                CustomResourceDefinitionContext.fromCustomResourceType(DockerHost.class),
                CustomResourceDefinitionContext.fromCustomResourceType(DockerContainer.class),
                CustomResourceDefinitionContext.fromCustomResourceType(DockerDeployment.class))) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                int query = path.indexOf('?');
                String resource = path.substring(path.lastIndexOf('/', query < 0 ? path.length() : query) + 1,
                        query < 0 ? path.length() : query);
                if ("GET".equals(request.getMethod()) && !path.contains("watch=true")
                        && (resource.equals("dockercontainers") || resource.equals("dockerhosts"))) {
                    lists.computeIfAbsent(resource, r -> new AtomicInteger()).incrementAndGet();
                }
                return super.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crud, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .checkingCRDAndValidateLocalModel(false).withCloseClientOnStop(false));
        Clock clock = Clock.systemUTC();
        operator.register(new DockerDeploymentReconciler(client, "kdop-system", new EventRecorder(client, clock), clock));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        client.close();
        server.destroy();
    }

    @Test
    void passesListNeitherReplicasNorHostsFromTheApiServer() {
        host("edge-1");
        host("edge-2");
        deployment("web", 1);
        await("the first replica").atMost(Duration.ofSeconds(30)).until(() -> replicas("web") == 1);
        Map<String, Integer> before = counts();

        // each scale is several passes: the edit, each replica created or deleted, the status written
        for (int replicas : new int[] {3, 5, 2, 4}) {
            scale("web", replicas);
            // the status, not a list: this test's own list requests would count
            await("web at " + replicas).atMost(Duration.ofSeconds(30)).until(() -> replicas("web") == replicas);
        }
        Map<String, Integer> after = counts();
        assertThat(after).as("list requests during the passes (before: " + before + ")").isEqualTo(before);
        assertThat(client.resources(DockerContainer.class).inNamespace(NS).list().getItems()).hasSize(4);
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> now = new HashMap<>();
        lists.forEach((k, v) -> now.put(k, v.get()));
        return now;
    }

    private int replicas(String name) {
        DockerDeployment d = client.resources(DockerDeployment.class).inNamespace(NS).withName(name).get();
        return d == null || d.getStatus() == null || d.getStatus().replicas() == null ? -1 : d.getStatus().replicas();
    }

    private void scale(String name, int replicas) {
        client.resources(DockerDeployment.class).inNamespace(NS).withName(name).edit(d -> {
            DockerDeploymentSpec s = d.getSpec();
            d.setSpec(new DockerDeploymentSpec(replicas, s.selector(), s.template(), s.placement(), s.strategy(),
                    s.minReadySeconds(), s.progressDeadlineSeconds(), s.hostFailureTimeout()));
            return d;
        });
    }

    private void deployment(String name, int replicas) {
        DockerDeployment d = new DockerDeployment();
        d.getMetadata().setName(name);
        d.getMetadata().setNamespace(NS);
        d.setSpec(new DockerDeploymentSpec(replicas, new LabelSelectorBuilder().withMatchLabels(Map.of("app", name)).build(),
                new DeploymentTemplate(new TemplateMetadata(Map.of("app", name), null),
                        new DockerContainerSpec("kdop-test/busybox:1", null, null, null, null, null, null, null, null,
                                null, null, null, null, null, null, null, null)),
                new DeploymentPlacement(new LabelSelectorBuilder().withMatchLabels(Map.of("pool", "edge")).build(), null),
                null, null, null, null));
        client.resource(d).create();
    }

    private void host(String name) {
        DockerHost fresh = new DockerHost();
        fresh.getMetadata().setName(name);
        fresh.getMetadata().setNamespace(NS);
        fresh.getMetadata().setLabels(Map.of("pool", "edge"));
        DockerHost host = client.resource(fresh).create();
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase("Connected");
        status.setConditions(Conditions.with(List.of(), Conditions.READY, true, "Connected", "Connected", 1L,
                Instant.now()));
        status.setLastHeartbeatTime(Timestamps.format(Instant.now()));
        host.setStatus(status);
        client.resource(host).updateStatus();
    }
}
