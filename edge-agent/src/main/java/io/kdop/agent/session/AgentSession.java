package io.kdop.agent.session;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.tunnel.TunnelEndpoint;
import io.kdop.engine.docker.HostMonitor;
import io.kdop.engine.docker.HostSnapshot;
import io.kdop.engine.status.StatusBoard;
import io.kdop.proto.v1.AgentHello;
import io.kdop.proto.v1.AgentMessage;
import io.kdop.proto.v1.AgentServiceGrpc;
import io.kdop.proto.v1.Heartbeat;
import io.kdop.proto.v1.HubMessage;
import io.kdop.proto.v1.HubWelcome;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Session call, from hello to its end: the protocol. A single thread (the caller of
 * {@link #run()}) sends every message, because a gRPC request stream is not thread-safe; grpc's
 * callbacks only enqueue. Nothing on that thread waits on Docker (the {@link HostMonitor} reads it
 * on its own thread), so heartbeats and answers to the hub go out on time.
 */
final class AgentSession {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    /** How a session ended; {@code error} null with {@code stopped} false: the hub completed it. */
    record End(boolean welcomed, Throwable error, boolean stopped) {}

    /** What a session works with, shared by the sessions of one agent run. */
    record Parts(CurrentIdentity identity, DesiredStateReceiver desiredState, HostMonitor host,
            SessionTimings timings, String agentVersion, StatusBoard status, TunnelEndpoint tunnels) {}

    private sealed interface Event {
        record Received(HubMessage message) implements Event {}
        record Closed(Throwable error) implements Event {}
        record Stop() implements Event {}
        record StatusChanged() implements Event {}
    }

    private final Channel channel;
    private final Parts parts;
    private final CertificateRenewal renewal;
    private final Duration helloFactsWait;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final StatusSender statusSender;
    // one StatusChanged in the queue is enough: the sender always takes the latest report
    private final AtomicBoolean statusQueued = new AtomicBoolean();

    private ClientCallStreamObserver<AgentMessage> out;
    private boolean welcomed;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private long nextHeartbeatNanos;

    /**
     * @param helloFactsWait how long the hello may wait for a first Docker inspection (the first
     *     session of a run), zero otherwise
     */
    AgentSession(Channel channel, Parts parts, CertificateRenewal renewal, Duration helloFactsWait) {
        this.channel = channel;
        this.parts = parts;
        this.renewal = renewal;
        this.helloFactsWait = helloFactsWait;
        this.statusSender = new StatusSender(parts.status());
    }

    /** Ends the session from another thread: half-closes the stream and returns from run(). */
    void stop() {
        events.add(new Event.Stop());
    }

    End run() throws InterruptedException {
        StatusBoard.Subscription subscription = parts.status().subscribe(this::statusChanged);
        try {
            return converse();
        } finally {
            subscription.close();
        }
    }

    /** Called on the reconciler's thread: only enqueues. */
    private void statusChanged() {
        if (statusQueued.compareAndSet(false, true)) {
            events.add(new Event.StatusChanged());
        }
    }

    private End converse() throws InterruptedException {
        AgentHello hello = hello(); // before the stream is open: the wait for facts is not the hub's time
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
        long welcomeDeadlineNanos = System.nanoTime() + parts.timings().welcomeTimeout().toNanos();
        while (true) {
            long deadline = welcomed ? nextHeartbeatNanos : welcomeDeadlineNanos;
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            switch (event) {
                case null -> {
                    if (!welcomed) {
                        return welcomeTimedOut();
                    }
                    onHeartbeatTick();
                }
                case Event.Received received -> onMessage(received.message());
                case Event.Closed closed -> {
                    return new End(welcomed, closed.error(), false);
                }
                case Event.Stop stop -> {
                    closeForStop();
                    return new End(welcomed, null, true);
                }
                case Event.StatusChanged changed -> {
                    statusQueued.set(false);
                    if (welcomed) {
                        sendStatus();
                    }
                }
            }
        }
    }

    private AgentHello hello() throws InterruptedException {
        StoredIdentity id = parts.identity().get();
        parts.host().refreshSoon(); // a reconnect: the heartbeats after it should not carry old counts
        HostSnapshot snapshot = parts.host().awaitFirst(helloFactsWait);
        AgentHello.Builder hello = AgentHello.newBuilder()
                .setHost(id.host())
                .setAgentVersion(parts.agentVersion())
                .setFacts(snapshot.facts())
                .addAllInventory(snapshot.inventory());
        parts.desiredState().applied().ifPresent(state ->
                hello.setAppliedRevision(state.getRevision()).setAppliedDigest(state.getDigest()));
        return hello.build();
    }

    /** A hub that never welcomes is as good as gone: give the call up and let the agent reconnect. */
    private End welcomeTimedOut() {
        String why = "no HubWelcome within " + Durations.format(parts.timings().welcomeTimeout()) + " of the hello";
        out.cancel(why, null);
        return new End(false, Status.DEADLINE_EXCEEDED.withDescription(why).asRuntimeException(), false);
    }

    private void onMessage(HubMessage message) {
        switch (message.getKindCase()) {
            case WELCOME -> onWelcome(message.getWelcome());
            case DESIRED_STATE -> out.onNext(AgentMessage.newBuilder()
                    .setAck(parts.desiredState().receive(message.getDesiredState())).build());
            case CERTIFICATE -> renewal.onIssued(message.getCertificate());
            case TRUST -> {
                renewal.onTrust(message.getTrust());
                maybeRenew();
            }
            case OPEN_TUNNEL -> parts.tunnels().open(message.getOpenTunnel(), channel);
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
        StoredIdentity id = parts.identity().get();
        if (welcome.hasHost() && !welcome.getHost().equals(id.host())) {
            LOG.warn("the hub welcomed this agent as {}/{} but it joined as {}", welcome.getHost().getNamespace(),
                    welcome.getHost().getName(), id.hostName());
        }
        LOG.info("connected to the hub as dockerhost {} (hub {}, heartbeat every {}s)", id.hostName(),
                welcome.getHubVersion().isEmpty() ? "?" : welcome.getHubVersion(), heartbeat.toSeconds());
        sendStatus();
        maybeRenew();
    }

    private void sendStatus() {
        statusSender.next().ifPresent(report -> out.onNext(AgentMessage.newBuilder().setStatus(report).build()));
    }

    private void onHeartbeatTick() {
        out.onNext(AgentMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder().setFacts(parts.host().latest().facts()))
                .build());
        maybeRenew();
        nextHeartbeatNanos = System.nanoTime() + heartbeat.toNanos();
    }

    private void maybeRenew() {
        renewal.request().ifPresent(request ->
                out.onNext(AgentMessage.newBuilder().setRenewCertificate(request).build()));
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
