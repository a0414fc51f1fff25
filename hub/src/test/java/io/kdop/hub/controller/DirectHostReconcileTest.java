package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostSpec;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.direct.DirectEndpoint;
import io.kdop.hub.direct.DirectEngines;
import io.kdop.hub.direct.DirectHosts;
import io.kdop.hub.direct.DirectHostsAllowed;
import io.kdop.hub.direct.SecretJobRecords;
import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.session.AgentSession;
import io.kdop.hub.session.ApiHostDirectory;
import io.kdop.hub.session.RecordingStream;
import io.kdop.hub.session.RenewalLimiter;
import io.kdop.hub.session.SessionRegistry;
import io.kdop.hub.session.SessionServices;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.StatusReport;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host turned direct ends its agent's session for good; a deleted direct host waits for its engine's removals. */
class DirectHostReconcileTest {

    private static final String TEAM = "team-a";
    private static final String KEY = TEAM + "/default";
    /** Nothing listens there: an engine runs on it, its passes wait for Docker (as in DirectEnginesTest). */
    private static final String NO_DOCKER = "unix:///nonexistent/docker.sock";

    private final Clock clock = Clock.systemUTC();
    private final WorkloadControllers controllers = new WorkloadControllers();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SessionRegistry sessions = new SessionRegistry(clock, Duration.ofSeconds(20), identity -> { });
    private final DirectEngines engines = new DirectEngines(controllers.book::current, (key, report) -> { },
            SecretJobRecords.source(controllers.client, WorkloadControllers.HUB_NAMESPACE), controllers.loops, clock);
    private final DockerHostReconciler hosts = controllers.hosts(sessions,
            new DirectHosts(controllers.client, engines, DirectHostsAllowed.ALL));

    @AfterEach
    void stop() {
        engines.close();
        scheduler.shutdownNow();
        controllers.close();
    }

    @Test
    void anAgentsSessionEndsWhenItsHostBecomesDirectAndTheAgentIsNotAdmittedAgain() {
        DockerHost host = host(null);
        AgentIdentity agent = new AgentIdentity(TEAM, "default", host.getMetadata().getUid(), "gen00001");
        ApiHostDirectory directory = new ApiHostDirectory(controllers.client, WorkloadControllers.HUB_NAMESPACE, clock);
        directory.recordGeneration(agent); // as its join did
        RecordingStream joined = new RecordingStream();
        session(agent, joined, directory).onNext(hello(agent));
        assertThat(joined.error).isNull();
        assertThat(sessions.liveSession(KEY)).as("the agent drives the host").isPresent();

        host = host(NO_DOCKER);
        hosts.reconcile(host, null);

        // the hub drives the host's Docker API now: an agent beside it would fight its engine
        assertThat(joined.closedWith()).contains(ErrorReason.HOST_IS_DIRECT);
        assertThat(joined.error.getMessage()).contains("DockerHost " + KEY + " is a direct host");
        assertThat(sessions.liveSession(KEY)).isEmpty();
        RecordingStream reconnected = new RecordingStream();
        session(agent, reconnected, directory).onNext(hello(agent));
        assertThat(reconnected.closedWith()).as("the same agent, reconnecting").contains(ErrorReason.HOST_IS_DIRECT);
        assertThat(sessions.liveSession(KEY)).isEmpty();
    }

    @Test
    void aDeletedDirectHostWaitsUntilItsEngineHasRemovedItsWorkloadsContainers() {
        DockerHost host = host(NO_DOCKER);
        drivenByItsEngine(host);
        DockerContainer app = container("app");
        controllers.containers.reconcile(app, null);
        // the container is deleted: the host's engine is to remove it from the next revision on
        assertThat(controllers.containers.cleanup(app, null).isRemoveFinalizer()).isFalse();
        long removedAt = controllers.book.current(KEY).orElseThrow().getRevision();

        host.getMetadata().setDeletionTimestamp(Timestamps.format(clock.instant()));
        assertThat(hosts.cleanup(host, null).isRemoveFinalizer()).as("its engine may still remove the container")
                .isFalse();
        assertThat(engines.runs(KEY)).isTrue();

        // the engine removed it: its report of that revision no longer lists the workload
        controllers.reports.accept(KEY, StatusReport.newBuilder().setObservedRevision(removedAt).build());
        assertThat(controllers.containers.cleanup(app, null).isRemoveFinalizer()).isTrue();
        assertThat(hosts.cleanup(host, null).isRemoveFinalizer()).isTrue();
        assertThat(engines.runs(KEY)).as("nothing drives a deleted host").isFalse();
    }

    @Test
    void aDeletedDirectHostWhoseEngineGetsNoAnswerDoesNotWait() {
        DockerHost host = host(NO_DOCKER);
        drivenByItsEngine(host);
        DockerContainer app = container("app");
        controllers.containers.reconcile(app, null);
        assertThat(controllers.containers.cleanup(app, null).isRemoveFinalizer()).isFalse();
        engines.notAnswering(KEY); // its last probe failed: nothing will remove the container now

        host.getMetadata().setDeletionTimestamp(Timestamps.format(clock.instant()));

        assertThat(hosts.cleanup(host, null).isRemoveFinalizer()).isTrue();
    }

    /** The host's engine runs and its last probe answered, as after a probe that found Docker there. */
    private void drivenByItsEngine(DockerHost host) {
        HostIdentity identity = HostIdentity.newBuilder().setNamespace(TEAM).setName("default")
                .setUid(host.getMetadata().getUid()).build();
        assertThat(engines.connected(identity, new DirectEndpoint(DirectEndpoint.Transport.UNIX, NO_DOCKER, null, null),
                null, "test")).isTrue();
    }

    /** The host default of team-a, created or updated, with spec.hostURL when given. */
    private DockerHost host(String hostURL) {
        DockerHost host = new DockerHost();
        host.getMetadata().setNamespace(TEAM);
        host.getMetadata().setName("default");
        DockerHostSpec spec = new DockerHostSpec();
        spec.setHostURL(hostURL);
        host.setSpec(spec);
        return controllers.client.resource(host).createOr(existing -> existing.update());
    }

    private DockerContainer container(String name) {
        DockerContainer container = new DockerContainer();
        container.getMetadata().setNamespace(TEAM);
        container.getMetadata().setName(name);
        container.setSpec(new DockerContainerSpec("busybox:1.36", null, List.of("sleep", "60"), null, null, null, null,
                null, null, null, null, null, null, null, null, null, null));
        return controllers.client.resource(container).create();
    }

    private AgentSession session(AgentIdentity agent, RecordingStream stream, ApiHostDirectory directory) {
        CertificateAuthority ca = CertificateAuthority.create("test", Duration.ofDays(1), new SecureRandom());
        SessionServices services = new SessionServices(sessions, directory, controllers.book, controllers.reports,
                new AgentCertificates(ca, Duration.ofHours(1)), new RenewalLimiter(Duration.ofMinutes(15), clock),
                Duration.ofSeconds(10), Duration.ofSeconds(30), "test", scheduler, clock);
        return new AgentSession(agent, clock.instant().plusSeconds(3600),
                ca.issueServerCertificate(List.of("localhost"), Duration.ofHours(1)).certificate(), stream, services);
    }

    private static AgentMessage hello(AgentIdentity agent) {
        return AgentMessage.newBuilder().setHello(AgentHello.newBuilder().setHost(HostIdentity.newBuilder()
                .setNamespace(agent.namespace()).setName(agent.name()).setUid(agent.uid())).setAgentVersion("test"))
                .build();
    }
}
