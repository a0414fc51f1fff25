package io.kdop.agent.session;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.kdop.agent.identity.IdentityStore;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.identity.TlsCredentials;
import io.kdop.agent.store.DesiredStateStore;
import io.kdop.agent.store.StateDirectory;
import io.kdop.agent.store.StateDirectoryLock;
import io.kdop.agent.tunnel.TunnelEndpoint;
import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.docker.HostInspector;
import io.kdop.engine.docker.HostMonitor;
import io.kdop.engine.run.Workloads;
import io.kdop.proto.JoinToken;
import io.kdop.proto.tunnel.TransportLoops;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's life: join when told to (or reuse the stored identity), then hold a session with the
 * hub for as long as it runs, reconnecting with backoff. Returns normally after {@link #stop()};
 * throws {@link AgentExit} for what retrying cannot fix.
 */
public final class Agent {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    // finds a dead connection (NAT timeout, 4G drop) in about a minute; the hub must permit it
    static final Duration KEEPALIVE = Duration.ofSeconds(60);

    private final AgentConfig config;
    private final HostInspector inspector;
    private final SessionTimings timings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Workloads.Starter workloads;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile AgentSession session;
    private volatile Joiner joiner;

    public Agent(AgentConfig config, HostInspector inspector, Clock clock, RandomGenerator random) {
        this(config, inspector, SessionTimings.DEFAULT, clock, random);
    }

    public Agent(AgentConfig config, HostInspector inspector, SessionTimings timings, Clock clock,
            RandomGenerator random) {
        this(config, inspector, timings, clock, random, Workloads.NONE);
    }

    /** @param workloads what enforces the desired state on the host (the Docker reconciler in production) */
    public Agent(AgentConfig config, HostInspector inspector, SessionTimings timings, Clock clock,
            RandomGenerator random, Workloads.Starter workloads) {
        this.workloads = workloads;
        this.config = config;
        this.inspector = inspector;
        this.timings = timings;
        this.clock = clock;
        this.random = random;
    }

    /** Asks a running agent to close its session and return from {@link #run()}. */
    public void stop() {
        stopping = true;
        stopped.countDown();
        AgentSession s = session;
        if (s != null) {
            s.stop();
        }
        Joiner j = joiner;
        if (j != null) {
            j.cancel();
        }
    }

    public void run() throws AgentExit, IOException, InterruptedException {
        StateDirectory.secure(config.stateDir());
        try (StateDirectoryLock held = StateDirectoryLock.tryAcquire(config.stateDir()).orElseThrow(
                () -> new AgentExit(AgentExit.STATE_DIR_IN_USE, "another agent"
                        + StateDirectoryLock.holder(config.stateDir()).map(pid -> " (pid " + pid + ")").orElse("")
                        + " is using the state directory " + config.stateDir()
                        + "; stop it first, or give this one a --state-dir of its own"))) {
            runHoldingTheStateDirectory();
        }
    }

    private void runHoldingTheStateDirectory() throws AgentExit, IOException, InterruptedException {
        // Docker is read from the start, beside the join, so the first hello rarely waits for it
        try (HostMonitor host = new HostMonitor(inspector, timings.factsRefresh()).start()) {
            IdentityStore identities = new IdentityStore(config.stateDir());
            StoredIdentity identity = identity(identities);
            if (identity == null) {
                return; // stopped while joining
            }
            DesiredStateStore store = DesiredStateStore.open(config.stateDir(), clock);
            // the reconciler starts from the persisted snapshot now, whether or not the hub answers
            // one transport thread: the session's connection and every tunnel's container socket
            try (TransportLoops loops = new TransportLoops(1, "kdop-transport");
                    Workloads running = workloads.start(identity.host(), store::current)) {
                DesiredStateReceiver desiredState = new DesiredStateReceiver(store, running::desiredStateChanged);
                runSessions(new AgentSession.Parts(new CurrentIdentity(identities, identity), desiredState, host,
                        timings, config.agentVersion(), running.status(),
                        new TunnelEndpoint(store::current, running.addresses(), loops)), loops);
            }
        }
    }

    /** The stored identity, or a new one from a join with the token; null when stopped while joining. */
    private StoredIdentity identity(IdentityStore identities) throws AgentExit, IOException, InterruptedException {
        Optional<StoredIdentity> stored = loadOrRejoin(identities);
        StoredIdentity identity;
        if (config.token().isPresent()) {
            JoinToken token = config.token().get();
            if (stored.isPresent() && stored.get().tokenId().equals(token.tokenId())) {
                LOG.info("already joined with token {} as dockerhost {}; using the stored identity",
                        token.tokenId(), stored.get().hostName());
                identity = stored.get();
            } else {
                HubAddress hub = config.hub().or(() -> stored.map(s -> HubAddress.parse(s.hub())))
                        .orElseThrow(() -> new AgentExit(AgentExit.USAGE, "--hub HOST:PORT is required to join"));
                identity = joinWithRetries(hub, token);
                if (identity == null) {
                    return null;
                }
                identities.save(identity);
                if (stored.isEmpty() || !stored.get().host().equals(identity.host())) {
                    // that snapshot belonged to another host, or one we cannot tell
                    Files.deleteIfExists(config.stateDir().resolve(DesiredStateStore.FILE_NAME));
                }
                LOG.info("joined the hub at {} as dockerhost {}; identity stored in {}", hub, identity.hostName(),
                        identities.directory());
            }
        } else {
            identity = stored.orElseThrow(() -> new AgentExit(AgentExit.USAGE,
                    "no stored identity in " + config.stateDir() + ": run with --token"));
        }
        if (config.hub().isPresent() && !config.hub().get().toString().equals(identity.hub())) {
            identity = identity.withHub(config.hub().get().toString());
            identities.save(identity);
        }
        return identity;
    }

    /** A corrupt identity is fatal without a token, and just replaced with one. */
    private Optional<StoredIdentity> loadOrRejoin(IdentityStore identities) throws IOException {
        try {
            return identities.load();
        } catch (IOException e) {
            if (config.token().isEmpty()) {
                throw e;
            }
            LOG.warn("{}; joining again with the token", e.getMessage());
            return Optional.empty();
        }
    }

    /** One Joiner for the whole run: every retry sends the same key and CSR (see {@link Joiner}). */
    private StoredIdentity joinWithRetries(HubAddress hub, JoinToken token) throws AgentExit, InterruptedException {
        Backoff.Sequence backoff = new Backoff(config.initialBackoff(), config.maxBackoff()).jittered(random);
        FailureClassifier.Context context = new FailureClassifier.Context(null, null, config.stateDir());
        LOG.info("joining the hub at {} with token {}", hub, token.tokenId());
        Joiner run = new Joiner(hub, token, config.agentVersion());
        joiner = run;
        try {
            while (!stopping) {
                try {
                    return run.attempt();
                } catch (StatusRuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    Optional<AgentExit> untrusted = run.untrustedHub();
                    if (untrusted.isPresent()) {
                        throw untrusted.get();
                    }
                    if (!retryAfter(FailureClassifier.classify(e, context), backoff, "join failed")) {
                        break;
                    }
                }
            }
            return null;
        } finally {
            run.close();
            joiner = null;
        }
    }

    private void runSessions(AgentSession.Parts parts, TransportLoops loops) throws AgentExit, InterruptedException {
        CurrentIdentity identity = parts.identity();
        HubAddress hub = HubAddress.parse(identity.get().hub());
        Backoff.Sequence backoff = new Backoff(config.initialBackoff(), config.maxBackoff()).jittered(random);
        DuplicateIdentityWatch duplicates = new DuplicateIdentityWatch(config.duplicateIdentityTimeout());
        StoredIdentity channelIdentity = identity.get();
        ManagedChannel channel = null;
        Duration helloFactsWait = timings.firstFactsWait(); // only the first hello of the run waits for Docker
        try {
            while (!stopping) {
                StoredIdentity id = identity.get();
                FailureClassifier.Context context = context(id);
                if (context.certificateExpiredAt() != null) {
                    // checked before every dial: the hub refuses an expired certificate, retrying cannot help
                    Failure.Fatal expired = FailureClassifier.certificateExpired(context.certificateExpiredAt(), context);
                    throw new AgentExit(expired.exitCode(), expired.message());
                }
                if (channel == null) {
                    LOG.info("connecting to the hub at {} as dockerhost {}", hub, id.hostName());
                }
                if (channel == null || id != channelIdentity) {
                    // renewed: the next connection must present the new certificate
                    close(channel);
                    channelIdentity = id;
                    channel = sessionChannel(hub, channelIdentity, loops);
                }
                AgentSession s = new AgentSession(channel, parts,
                        new CertificateRenewal(identity, RenewalPolicy.DEFAULT, clock), helloFactsWait);
                helloFactsWait = Duration.ZERO;
                session = s;
                if (stopping) {
                    break; // stop() ran before it could see this session
                }
                AgentSession.End end = s.run();
                session = null;
                if (end.stopped() || stopping) {
                    break;
                }
                boolean contested = duplicates.sessionEnded(end.error(), clock.instant(),
                        id.host().getNamespace() + "/" + id.host().getName(), config.stateDir());
                if (end.welcomed() && !contested) {
                    // a refused twin is welcomed too, then turned away: its delay must keep growing
                    backoff.reset();
                }
                if (!retryAfter(FailureClassifier.classify(end.error(), context(identity.get())), backoff,
                        "session ended")) {
                    break;
                }
            }
        } finally {
            close(channel);
        }
    }

    private FailureClassifier.Context context(StoredIdentity id) {
        Instant notAfter = id.certificate().getNotAfter().toInstant();
        return new FailureClassifier.Context(id.host().getNamespace(), id.host().getName(), config.stateDir(),
                notAfter.isBefore(clock.instant()) ? notAfter : null);
    }

    private ManagedChannel sessionChannel(HubAddress hub, StoredIdentity identity, TransportLoops loops) {
        // netty's builder: the tunnels' container sockets share its event loop
        return NettyChannelBuilder.forAddress(hub.host(), hub.port(), TlsCredentials.forSession(identity))
                .eventLoopGroup(loops.group())
                .channelType(NioSocketChannel.class)
                // a retried tunnel call would serialize its frames again, and they alias socket
                // buffers that were reused meanwhile; the session reconnects on its own anyway
                .disableRetry()
                .userAgent("kdop-edge-agent/" + config.agentVersion())
                .keepAliveTime(KEEPALIVE.toSeconds(), TimeUnit.SECONDS)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        if (channel == null) {
            return;
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * When a busy hub said to come back: somewhat later than that, spread so that agents deferred
     * in the same instant do not return in it; never past the longest backoff.
     */
    private Duration spread(Duration hubSaysAfter) {
        long millis = Math.max(1, hubSaysAfter.toMillis());
        long spread = millis + random.nextLong(millis / 2 + 1);
        return Duration.ofMillis(Math.min(spread, config.maxBackoff().toMillis()));
    }

    /** Logs the cause, waits out the backoff (or the busy hub's delay); false when the agent was stopped meanwhile. */
    private boolean retryAfter(Failure failure, Backoff.Sequence backoff, String what) throws AgentExit, InterruptedException {
        switch (failure) {
            case Failure.Fatal fatal -> throw new AgentExit(fatal.exitCode(), fatal.message());
            case Failure.Retry retry -> {
                Duration delay = retry.hubSaysAfter().map(this::spread).orElseGet(backoff::next);
                LOG.warn("{}: {}; retrying in {}", what, retry.cause(), Durations.format(delay));
                return !stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
