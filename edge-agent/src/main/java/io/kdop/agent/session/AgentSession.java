package io.kdop.agent.session;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kdop.agent.docker.HostInspector;
import io.kdop.agent.docker.HostSnapshot;
import io.kdop.agent.identity.KeyAndCsr;
import io.kdop.agent.identity.Pem;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.store.DesiredStateStore;
import io.kdop.proto.v1.Ack;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.CertificateIssued;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.Heartbeat;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.HubWelcome;
import io.kdop.proto.v1.RenewCertificate;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Session call, from hello to its end. A single thread (the caller of {@link #run()}) sends
 * every message, because a gRPC request stream is not thread-safe; grpc's callbacks only enqueue.
 */
final class AgentSession {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    /** How a session ended; {@code error} null with {@code stopped} false: the hub completed it. */
    record End(boolean welcomed, Throwable error, boolean stopped) {}

    private sealed interface Event {
        record Received(HubMessage message) implements Event {}
        record Closed(Throwable error) implements Event {}
        record Stop() implements Event {}
    }

    private final Channel channel;
    private final CurrentIdentity identity;
    private final DesiredStateStore desiredState;
    private final HostInspector inspector;
    private final RenewalPolicy renewal;
    private final Clock clock;
    private final String agentVersion;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private ClientCallStreamObserver<AgentMessage> out;
    private boolean welcomed;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private long nextHeartbeatNanos = Long.MAX_VALUE;
    private KeyAndCsr renewalInFlight;

    AgentSession(Channel channel, CurrentIdentity identity, DesiredStateStore desiredState,
            HostInspector inspector, RenewalPolicy renewal, Clock clock, String agentVersion) {
        this.channel = channel;
        this.identity = identity;
        this.desiredState = desiredState;
        this.inspector = inspector;
        this.renewal = renewal;
        this.clock = clock;
        this.agentVersion = agentVersion;
    }

    /** Ends the session from another thread: half-closes the stream and returns from run(). */
    void stop() {
        events.add(new Event.Stop());
    }

    End run() throws InterruptedException {
        AgentHello hello = hello(); // Docker may be slow: ask it before the stream is open
        AgentServiceGrpc.newStub(channel).session(new ClientResponseObserver<AgentMessage, HubMessage>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
                out = requestStream;
            }

            @Override
            public void onNext(HubMessage message) {
                events.add(new Event.Received(message));
            }

            @Override
            public void onError(Throwable t) {
                events.add(new Event.Closed(t));
            }

            @Override
            public void onCompleted() {
                events.add(new Event.Closed(null));
            }
        });
        out.onNext(AgentMessage.newBuilder().setHello(hello).build());
        while (true) {
            long waitNanos = nextHeartbeatNanos == Long.MAX_VALUE
                    ? TimeUnit.HOURS.toNanos(1) : nextHeartbeatNanos - System.nanoTime();
            Event event = events.poll(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
            switch (event) {
                case null -> onHeartbeatTick();
                case Event.Received received -> onMessage(received.message());
                case Event.Closed closed -> {
                    return new End(welcomed, closed.error(), false);
                }
                case Event.Stop stop -> {
                    closeForStop();
                    return new End(welcomed, null, true);
                }
            }
        }
    }

    private AgentHello hello() {
        StoredIdentity id = identity.get();
        HostSnapshot snapshot = inspector.inspect();
        AgentHello.Builder hello = AgentHello.newBuilder()
                .setHost(id.host())
                .setAgentVersion(agentVersion)
                .setFacts(snapshot.facts())
                .addAllInventory(snapshot.inventory());
        desiredState.current().ifPresent(state ->
                hello.setAppliedRevision(state.getRevision()).setAppliedDigest(state.getDigest()));
        return hello.build();
    }

    private void onMessage(HubMessage message) {
        switch (message.getKindCase()) {
            case WELCOME -> onWelcome(message.getWelcome());
            case DESIRED_STATE -> onDesiredState(message.getDesiredState());
            case CERTIFICATE -> onCertificate(message.getCertificate());
            // a newer hub may send kinds this agent does not know: ignoring them keeps us compatible
            case KIND_NOT_SET -> LOG.debug("ignoring a hub message of an unknown kind");
        }
    }

    private void onWelcome(HubWelcome welcome) {
        welcomed = true;
        if (welcome.getHeartbeatIntervalSeconds() > 0) {
            heartbeat = Duration.ofSeconds(welcome.getHeartbeatIntervalSeconds());
        }
        nextHeartbeatNanos = System.nanoTime() + heartbeat.toNanos();
        StoredIdentity id = identity.get();
        if (welcome.hasHost() && !welcome.getHost().equals(id.host())) {
            LOG.warn("the hub welcomed this agent as {}/{} but it joined as {}", welcome.getHost().getNamespace(),
                    welcome.getHost().getName(), id.hostName());
        }
        LOG.info("connected to the hub as dockerhost {} (hub {}, heartbeat every {}s)", id.hostName(),
                welcome.getHubVersion().isEmpty() ? "?" : welcome.getHubVersion(), heartbeat.toSeconds());
        maybeRenew();
    }

    private void onDesiredState(DesiredState state) {
        Ack.Builder ack = Ack.newBuilder().setRevision(state.getRevision()).setDigest(state.getDigest());
        try {
            if (desiredState.save(state)) {
                LOG.info("desired state revision {} persisted ({} containers)", state.getRevision(), state.getContainersCount());
            } else {
                LOG.debug("desired state revision {} unchanged", state.getRevision());
            }
        } catch (IOException e) {
            LOG.error("cannot persist desired state revision {}: {}", state.getRevision(), e.toString());
            ack.setError("cannot persist the desired state: " + e.getMessage());
        }
        out.onNext(AgentMessage.newBuilder().setAck(ack).build());
    }

    private void onHeartbeatTick() {
        out.onNext(AgentMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder().setFacts(inspector.inspect().facts()))
                .build());
        maybeRenew();
        nextHeartbeatNanos = System.nanoTime() + heartbeat.toNanos();
    }

    private void maybeRenew() {
        X509Certificate certificate = identity.get().certificate();
        if (renewalInFlight != null || !renewal.due(certificate, clock.instant())) {
            return;
        }
        LOG.info("client certificate expires at {}: asking the hub for a new one", certificate.getNotAfter().toInstant());
        renewalInFlight = KeyAndCsr.generate(); // a new key for every certificate
        out.onNext(AgentMessage.newBuilder()
                .setRenewCertificate(RenewCertificate.newBuilder()
                        .setCsrDer(ByteString.copyFrom(renewalInFlight.csrDer())))
                .build());
    }

    private void onCertificate(CertificateIssued issued) {
        KeyAndCsr pending = renewalInFlight;
        renewalInFlight = null;
        if (pending == null) {
            LOG.warn("the hub sent a certificate nobody asked for; ignored");
            return;
        }
        try {
            X509Certificate certificate = Pem.parseCertificates(issued.getCertificatePem()).getFirst();
            if (!certificate.getPublicKey().equals(pending.keyPair().getPublic())) {
                LOG.error("the renewed certificate is not for the key the agent sent; keeping the current one");
                return;
            }
            List<X509Certificate> cas = issued.getCaBundlePem().isBlank()
                    ? List.of() : Pem.parseCertificates(issued.getCaBundlePem());
            identity.replace(identity.get().renewed(pending.keyPair().getPrivate(), certificate, cas));
            LOG.info("client certificate renewed, valid until {}; the next connection uses it",
                    certificate.getNotAfter().toInstant());
        } catch (CertificateException | IOException e) {
            // the current certificate stays; the next tick asks again
            LOG.error("cannot store the renewed certificate: {}", e.getMessage());
        }
    }

    private void closeForStop() throws InterruptedException {
        out.onCompleted();
        // give the hub a moment to end the call cleanly, then cancel it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        Event event;
        while ((event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            if (event instanceof Event.Closed) {
                return;
            }
        }
        out.cancel("agent stopping", null);
    }
}
