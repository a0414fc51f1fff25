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
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
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
import io.kdop.hub.controller.DockerContainerReconciler;
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.hub.tunnel.DirectRoutes;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.hub.tunnel.TunnelBroker;
import io.kdop.hub.tunnel.TunnelSettings;
import io.kdop.proto.tunnel.TransportLoops;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DockerDeployment and DockerContainer controllers running in a real JOSDK Operator against
 * the CRUD mock, as in the hub: failover of a host that stays Disconnected, with the replica left
 * Terminating (its agent is away) and its replacement on the other host; every request the mock
 * could not answer is a failure.
 */
class DeploymentOperatorTest {

    private static final String NS = "edge";
    private final java.util.logging.Logger mockLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());

    private KubernetesMockServer server;
    private KubernetesClient client;
    private Operator operator;
    private ScheduledExecutorService timer;
    /** No tunnel is opened here: the loops' thread never starts. */
    private final TransportLoops loops = new TransportLoops(1, "test-tunnels");

    @BeforeEach
    void start() {
        mockLog.setLevel(java.util.logging.Level.WARNING);
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of(
                CustomResourceDefinitionContext.fromCustomResourceType(DockerHost.class),
                CustomResourceDefinitionContext.fromCustomResourceType(DockerContainer.class),
                CustomResourceDefinitionContext.fromCustomResourceType(DockerDeployment.class))) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                try {
                    return super.dispatch(request);
                } catch (RuntimeException e) {
                    refused.add(request.getMethod() + " " + request.getPath() + " " + request.getBody().readUtf8()
                            + ": " + e);
                    return new MockResponse().setResponseCode(422).setBody(String.valueOf(e.getMessage()));
                }
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crud, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        timer = Executors.newSingleThreadScheduledExecutor();
        Clock clock = Clock.systemUTC();
        HostWorkloads workloads = new HostWorkloads(new DesiredStateBook(), (host, snapshot) -> {});
        WorkloadReports reports = new WorkloadReports(workloads::reference, ref -> {});
        ServiceTunnels tunnels = new ServiceTunnels(client, new TunnelBroker(host -> Optional.empty(), DirectRoutes.NONE, loops, timer), workloads,
                new TunnelSettings(InetAddress.getLoopbackAddress(), "10.0.0.1", 40000, 40010));
        operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .checkingCRDAndValidateLocalModel(false).withCloseClientOnStop(false));
        operator.register(new DockerContainerReconciler(client, "kdop-system", workloads, reports,
                new SimpleInboundEventSource<>("reports"), new EventRecorder(client, clock), tunnels, clock));
        operator.register(new DockerDeploymentReconciler(client, "kdop-system", new EventRecorder(client, clock), clock));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        timer.shutdownNow();
        loops.close();
        client.close();
        server.destroy();
    }

    @Test
    void replicasOfAHostDisconnectedPastTheTimeoutAreStartedOnAnotherAndTheOldOnesWaitForTheirAgent() {
        host("edge-1", "Connected", Instant.now());
        host("edge-2", "Connected", Instant.now());
        deployment("web", 2, "5s");
        await("one replica per host").atMost(Duration.ofSeconds(30)).until(() ->
                Map.of("edge-1", 1, "edge-2", 1).equals(hosts("web")));

        host("edge-2", "Disconnected", Instant.now().minusSeconds(60));
        await("both replicas on edge-1").atMost(Duration.ofSeconds(30)).until(() ->
                Map.of("edge-1", 2).equals(hosts("web")));
        List<DockerContainer> all = client.resources(DockerContainer.class).inNamespace(NS).list().getItems();
        assertThat(all).hasSize(3);
        assertThat(all.stream().filter(dc -> dc.getMetadata().getDeletionTimestamp() != null))
                .as("the replica of edge-2 waits for its agent to remove it").singleElement()
                .satisfies(dc -> assertThat(dc.getSpec().dockerHostRef()).isEqualTo("edge-2"));
        assertThat(refused).as("requests the API stand-in could not apply").isEmpty();
    }

    private Map<String, Integer> hosts(String name) {
        DockerDeployment d = client.resources(DockerDeployment.class).inNamespace(NS).withName(name).get();
        return d == null || d.getStatus() == null ? null : d.getStatus().hosts();
    }

    private void deployment(String name, int replicas, String failover) {
        DockerDeployment d = new DockerDeployment();
        d.getMetadata().setName(name);
        d.getMetadata().setNamespace(NS);
        d.setSpec(new DockerDeploymentSpec(replicas, new LabelSelectorBuilder().withMatchLabels(Map.of("app", name)).build(),
                new DeploymentTemplate(new TemplateMetadata(Map.of("app", name), null),
                        new DockerContainerSpec("kdop-test/busybox:1", null, null, null, null, null, null, null, null,
                                null, null, null, null, null, null, null, null)),
                new DeploymentPlacement(new LabelSelectorBuilder().withMatchLabels(Map.of("pool", "edge")).build(), null),
                null, null, null, failover));
        client.resource(d).create();
    }

    private void host(String name, String phase, Instant since) {
        DockerHost host = client.resources(DockerHost.class).inNamespace(NS).withName(name).get();
        if (host == null) {
            DockerHost fresh = new DockerHost();
            fresh.getMetadata().setName(name);
            fresh.getMetadata().setNamespace(NS);
            fresh.getMetadata().setLabels(Map.of("pool", "edge"));
            host = client.resource(fresh).create();
        }
        DockerHostStatus status = new DockerHostStatus();
        status.setPhase(phase);
        status.setConditions(Conditions.with(List.of(), Conditions.READY, "Connected".equals(phase), phase, phase, 1L,
                since));
        status.setLastHeartbeatTime(Timestamps.format(since));
        host.setStatus(status);
        client.resource(host).updateStatus();
    }
}
