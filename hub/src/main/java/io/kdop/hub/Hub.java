package io.kdop.hub;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.controller.DockerContainerReconciler;
import io.kdop.hub.controller.DockerHostReconciler;
import io.kdop.hub.controller.DockerJobReconciler;
import io.kdop.hub.controller.HostStatusRules;
import io.kdop.hub.controller.BackendReadiness;
import io.kdop.hub.controller.DockerServiceReconciler;
import io.kdop.hub.controller.TerminatingNamespaces;
import io.kdop.hub.deployment.DockerDeploymentReconciler;
import io.kdop.hub.direct.DirectEngines;
import io.kdop.hub.direct.DirectHosts;
import io.kdop.hub.direct.SecretJobRecords;
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.join.JoinInstructions;
import io.kdop.hub.join.JoinQueue;
import io.kdop.hub.join.JoinService;
import io.kdop.hub.join.JoinThrottle;
import io.kdop.hub.join.JoinTokenIssuer;
import io.kdop.hub.join.TokenRecordStore;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.CaSecretStore;
import io.kdop.hub.pki.CaSecretWatch;
import io.kdop.hub.pki.HubCas;
import io.kdop.hub.pki.ServingTls;
import io.kdop.hub.server.AgentServiceImpl;
import io.kdop.hub.session.ApiHostDirectory;
import io.kdop.hub.session.ConnectionView;
import io.kdop.hub.session.HostDirectory;
import io.kdop.hub.session.RenewalLimiter;
import io.kdop.hub.session.SessionRegistry;
import io.kdop.hub.session.SessionServices;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.hub.tunnel.ServiceTunnels;
import io.kdop.hub.tunnel.TunnelBroker;
import io.kdop.proto.tunnel.TransportLoops;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles the hub: CA, join service, agent sessions, the controllers of every kind and the gRPC port. */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** Expired token records stay this long, so a late join attempt is told "expired" rather than "unknown". */
    private static final Duration TOKEN_RECORD_RETENTION = Duration.ofHours(24);
    /** A peer that connected with a valid certificate but says nothing is dropped after this. */
    private static final Duration HELLO_DEADLINE = Duration.ofSeconds(30);
    /** Reissued at two thirds of it (and whenever another CA signs), without a restart. */
    private static final Duration SERVING_CERTIFICATE_VALIDITY = Duration.ofDays(365);

    private final Operator operator;
    private final HubServer server;
    private final ScheduledExecutorService housekeeping = housekeeping();
    private final TokenRecordStore tokenRecords;
    private final HostDirectory hosts;
    private final HubCas cas;
    private final CaSecretWatch caWatch;
    private final ServingTls servingTls;
    private final DockerContainerReconciler containers;
    private final DockerJobReconciler jobs;
    private final KubernetesClient client;
    private final Clock clock;
    private final ServiceTunnels tunnels;
    private final TunnelBroker broker;
    /** The gRPC server's threads, which the tunnels' client sockets share. */
    private final TransportLoops transportLoops = new TransportLoops(0, "kdop-transport");
    private final JoinQueue joinQueue = new JoinQueue();
    private final DirectEngines directEngines;
    private volatile boolean started;

    public Hub(HubConfig config, KubernetesClient client, Clock clock) {
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        CaSecretStore caStore = new CaSecretStore(client, config.namespace(), config.caSecretName());
        cas = new HubCas(caStore.loadOrCreate(random));
        caWatch = new CaSecretWatch(client, caStore, cas, random, clock);
        servingTls = new ServingTls(config.tlsSans(), SERVING_CERTIFICATE_VALIDITY);
        servingTls.apply(cas.get(), clock.instant());
        // first the port's material, so that agents told about new CAs already meet them
        cas.onChange(changed -> servingTls.apply(changed, clock.instant()));

        SimpleInboundEventSource<DockerHost> sessionEvents = new SimpleInboundEventSource<>("agent-sessions");
        SessionRegistry registry = new SessionRegistry(clock, config.heartbeatInterval().multipliedBy(2),
                identity -> sessionEvents.propagateEvent(new ResourceID(identity.name(), identity.namespace())));
        DesiredStateBook desiredStates = new DesiredStateBook();
        hosts = new ApiHostDirectory(client, config.namespace(), clock);
        AgentCertificates certificates = new AgentCertificates(cas, config.clientCertificateTtl());
        tokenRecords = new TokenRecordStore(client, config.namespace());
        JoinTokenIssuer issuer = new JoinTokenIssuer(client, tokenRecords, () -> cas.get().pin(),
                new JoinInstructions(config.publicAddress(), config.agentImage()), random);
        JoinService joins = new JoinService(tokenRecords, hosts, certificates, clock, identity -> {
            registry.superseded(identity);
            sessionEvents.propagateEvent(new ResourceID(identity.name(), identity.namespace()));
        });

        SimpleInboundEventSource<DockerContainer> containerEvents = new SimpleInboundEventSource<>("workload-reports");
        HostWorkloads workloads = new HostWorkloads(desiredStates, (hostKey, snapshot) -> {
            registry.liveSession(hostKey).ifPresent(session -> session.push(snapshot));
            pushedToDirectHost(hostKey);
        });
        SimpleInboundEventSource<DockerJob> jobEvents = new SimpleInboundEventSource<>("job-reports");
        WorkloadReports reports = new WorkloadReports(workloads::reference, ref -> {
            ResourceID id = new ResourceID(ref.getName(), ref.getNamespace());
            if ("DockerJob".equals(ref.getKind())) {
                jobEvents.propagateEvent(id);
            } else {
                containerEvents.propagateEvent(id);
            }
        });

        directEngines = new DirectEngines(desiredStates::current, reports::accept,
                SecretJobRecords.source(client, config.namespace()), transportLoops, clock);
        SessionServices services = new SessionServices(registry, hosts, desiredStates, reports, certificates,
                new RenewalLimiter(certificates.lifetime().dividedBy(4), clock), config.heartbeatInterval(), HELLO_DEADLINE, HubCommand.VERSION, housekeeping, clock);
        broker = new TunnelBroker(registry::liveSession, directEngines, transportLoops, housekeeping);
        tunnels = new ServiceTunnels(client, broker, workloads, config.tunnels());
        cas.onChange(changed -> registry.liveSessions().forEach(session -> session.sendTrust(changed)));
        // unused join tokens pinning a CA that no longer signs are replaced by their host's reconcile
        cas.onChange(changed -> client.resources(DockerHost.class).inAnyNamespace().list().getItems().forEach(host ->
                sessionEvents.propagateEvent(new ResourceID(host.getMetadata().getName(),
                        host.getMetadata().getNamespace()))));
        server = new HubServer(config.grpcPort(), servingTls, transportLoops, new AgentServiceImpl(joins,
                new JoinThrottle(config.joinRatePerPeer()), joinQueue, services, broker, cas));

        operator = new Operator(o -> o.withKubernetesClient(client)
                // Status is patched as a JSON diff, not by server-side apply: the same path in
                // production and against the API stand-in the tests use.
                .withUseSSAToPatchPrimaryResource(false)
                .checkingCRDAndValidateLocalModel(false)
                .withCloseClientOnStop(false));
        EventRecorder events = new EventRecorder(client, clock);
        operator.register(new DockerHostReconciler(registry, desiredStates, workloads, reports, issuer,
                config.joinTokenTtl(), sessionEvents, new HostStatusRules.Timing(config.heartbeatGrace(), clock.instant()),
                events, new TerminatingNamespaces(client), new DirectHosts(client, directEngines, config.directHosts()), clock));
        containers = new DockerContainerReconciler(client, config.namespace(), workloads, reports, containerEvents,
                events, tunnels, clock);
        operator.register(containers);
        operator.register(new DockerServiceReconciler(tunnels, workloads,
                (hostKey, uid) -> BackendReadiness.notReady(registry.liveSession(hostKey).isPresent()
                        || directEngines.answering(hostKey), reports.status(hostKey, uid)), clock));
        jobs = new DockerJobReconciler(client, config.namespace(), workloads, reports, jobEvents,
                hostKey -> Math.max(registry.view(hostKey).map(ConnectionView::appliedRevision).orElse(0L),
                        directEngines.appliedRevision(hostKey)), events, clock);
        operator.register(jobs);
        operator.register(new DockerDeploymentReconciler(client, config.namespace(), events, clock));
        this.client = client;
    }

    public void start() throws IOException {
        warmUp();
        server.start();
        started = true;
        LOG.info("serving agents on port {}", server.port());
        operator.start();
        caWatch.start();
        housekeeping.scheduleWithFixedDelay(this::deleteExpiredRecords, 0, 1, TimeUnit.HOURS);
        housekeeping.scheduleWithFixedDelay(this::refreshServingCertificate, 1, 1, TimeUnit.HOURS);
    }

    /**
     * Rebuilds every host's desired state from the workloads that exist, oldest first across
     * kinds: the oldest most likely hold their container names on the hosts, so they keep them.
     */
    private void warmUp() {
        tunnels.reserveExisting();
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.resources(DockerContainer.class).inAnyNamespace().list().getItems());
        all.addAll(client.resources(DockerJob.class).inAnyNamespace().list().getItems());
        all.sort(Comparator.comparing((HasMetadata r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
                .thenComparing(r -> r.getMetadata().getUid()));
        for (HasMetadata workload : all) {
            switch (workload) {
                case DockerContainer container -> containers.warmUp(container);
                case DockerJob job -> jobs.warmUp(job);
                default -> throw new IllegalStateException("not a workload: " + workload.getKind());
            }
        }
    }

    public int port() {
        return server.port();
    }

    /** Why the hub cannot take work yet, for its readiness probe: agents not served, or controllers not running. */
    public Optional<String> notReady() {
        if (!server.serving()) {
            return Optional.of("not serving agents yet");
        }
        RuntimeInfo info = operator.getRuntimeInfo();
        if (!info.isStarted()) {
            return Optional.of("controllers starting");
        }
        if (!info.allEventSourcesAreHealthy()) {
            return Optional.of("watches not healthy: " + String.join(", ", info.unhealthyEventSources().keySet()));
        }
        return Optional.empty();
    }

    /** Why restarting the hub would help, for its liveness probe: the agents' port closed after it was open. */
    public Optional<String> notAlive() {
        return started && !server.serving() ? Optional.of("the agents' port is closed") : Optional.empty();
    }

    private void refreshServingCertificate() {
        try {
            servingTls.apply(cas.get(), clock.instant());
        } catch (RuntimeException e) {
            LOG.error("could not reissue the hub's serving certificate: {}", e.getMessage());
        }
    }

    private void deleteExpiredRecords() {
        try {
            int deleted = tokenRecords.deleteExpiredBefore(clock.instant().minus(TOKEN_RECORD_RETENTION));
            if (deleted > 0) {
                LOG.info("deleted {} expired join-token records", deleted);
            }
            int forgotten = hosts.forgetDeletedHosts();
            if (forgotten > 0) {
                LOG.info("deleted the join records of {} DockerHosts that no longer exist", forgotten);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not clean up expired join records: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        housekeeping.shutdownNow();
        caWatch.close();
        operator.stop();
        tunnels.close();
        broker.close();
        server.stop();
        // before the loops: the engines reset their hosts' connections, which live on the loops
        directEngines.close();
        transportLoops.close();
        joinQueue.close();
    }

    /** A direct host's engine enforces what it reads from the book: tell it the book changed. */
    private void pushedToDirectHost(String hostKey) {
        directEngines.desiredStateChanged(hostKey);
    }

    /**
     * One thread for timers: hello deadlines, certificate expiries (a week ahead), token clean-up.
     * A cancelled timer is dropped at once: queued until its time it would keep its session alive.
     */
    private static ScheduledExecutorService housekeeping() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("kdop-housekeeping").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
