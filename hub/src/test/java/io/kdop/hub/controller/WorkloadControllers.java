package io.kdop.hub.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.direct.DirectHosts;
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.join.JoinTokenIssuer;
import io.kdop.hub.join.TokenRecordStore;
import io.kdop.hub.session.SessionRegistry;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.hub.tunnel.DirectRoutes;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.hub.tunnel.TunnelBroker;
import io.kdop.hub.tunnel.TunnelSettings;
import io.kdop.proto.CaPin;
import io.kdop.proto.tunnel.TransportLoops;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The DockerContainer and DockerJob controllers over fabric8's CRUD mock of the API server, with
 * no agent connected: for tests of where workloads are placed and what their status says; and the
 * DockerHost controller over the same state, for tests of hosts.
 */
final class WorkloadControllers implements AutoCloseable {

    static final String HUB_NAMESPACE = "kdop-system";
    /** What a placed workload's Ready condition says while no agent is connected (none is, here). */
    static final String PLACED = "HostNotConnected";

    // Held so the level sticks: java.util.logging keeps loggers only weakly.
    private final Logger mockLog = Logger.getLogger("io.fabric8.mockwebserver");
    private final KubernetesMockServer server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** No tunnel is opened here: the loops' thread never starts. */
    final TransportLoops loops = new TransportLoops(1, "test-tunnels");
    final KubernetesClient client;
    final DesiredStateBook book = new DesiredStateBook();
    final HostWorkloads workloads = new HostWorkloads(book, (host, snapshot) -> {});
    final WorkloadReports reports = new WorkloadReports(workloads::reference, ref -> {});
    private final Clock clock = Clock.systemUTC();
    private final EventRecorder events;
    final DockerContainerReconciler containers;
    final DockerJobReconciler jobs;

    WorkloadControllers() {
        mockLog.setLevel(Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(CustomResourceDefinitionContext.fromCustomResourceType(DockerHost.class),
                        CustomResourceDefinitionContext.fromCustomResourceType(DockerContainer.class),
                        CustomResourceDefinitionContext.fromCustomResourceType(DockerJob.class))), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        events = new EventRecorder(client, clock);
        ServiceTunnels tunnels = new ServiceTunnels(client, new TunnelBroker(host -> Optional.empty(), DirectRoutes.NONE, loops, timer), workloads,
                new TunnelSettings(InetAddress.getLoopbackAddress(), "10.0.0.1", 40000, 40010));
        containers = new DockerContainerReconciler(client, HUB_NAMESPACE, workloads, reports,
                new SimpleInboundEventSource<>("reports"), events, tunnels, clock);
        jobs = new DockerJobReconciler(client, HUB_NAMESPACE, workloads, reports, new SimpleInboundEventSource<>("jobs"),
                host -> 0L, events, clock);
    }

    /** The DockerHost controller over the same workloads and reports, with these agent sessions and direct hosts. */
    DockerHostReconciler hosts(SessionRegistry sessions, DirectHosts direct) {
        JoinTokenIssuer issuer = new JoinTokenIssuer(client, new TokenRecordStore(client, HUB_NAMESPACE),
                () -> CaPin.ofHex("a".repeat(64)), null, null);
        return new DockerHostReconciler(sessions, book, workloads, reports, issuer, Duration.ofHours(24),
                new SimpleInboundEventSource<>("agent-sessions"), new HostStatusRules.Timing(Duration.ofSeconds(30),
                clock.instant()), events, namespace -> false, direct, clock);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        loops.close();
        client.close();
        server.destroy();
    }
}
