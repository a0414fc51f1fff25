package io.kdop.agent.session;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kdop.agent.docker.HostInspector;
import io.kdop.agent.identity.IdentityStore;
import io.kdop.agent.identity.StoredIdentity;
import io.kdop.agent.identity.TlsCredentials;
import io.kdop.agent.store.DesiredStateStore;
import io.kdop.proto.JoinToken;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
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
    private final Clock clock;
    private final RandomGenerator random;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile AgentSession session;
    private volatile Joiner joiner;

    public Agent(AgentConfig config, HostInspector inspector, Clock clock, RandomGenerator random) {
        this.config = config;
        this.inspector = inspector;
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
        IdentityStore identities = new IdentityStore(config.stateDir());
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
                    return; // stopped while joining
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
        runSessions(new CurrentIdentity(identities, identity), DesiredStateStore.open(config.stateDir(), clock));
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

    private StoredIdentity joinWithRetries(HubAddress hub, JoinToken token) throws AgentExit, InterruptedException {
        Backoff backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), random);
        FailureClassifier.Context context = new FailureClassifier.Context(null, null, config.stateDir());
        LOG.info("joining the hub at {} with token {}", hub, token.tokenId());
        while (!stopping) {
            Joiner attempt = new Joiner(hub, token, config.agentVersion());
            joiner = attempt;
            if (stopping) {
                break; // stop() ran before it could see this attempt
            }
            try {
                return attempt.join();
            } catch (StatusRuntimeException e) {
                if (stopping) {
                    break;
                }
                Optional<String> mismatch = attempt.pinMismatch();
                if (mismatch.isPresent()) {
                    throw new AgentExit(AgentExit.CA_MISMATCH, mismatch.get());
                }
                if (!retryAfter(FailureClassifier.classify(e, context), backoff, "join failed")) {
                    break;
                }
            } finally {
                joiner = null;
            }
        }
        return null;
    }

    private void runSessions(CurrentIdentity identity, DesiredStateStore desiredState)
            throws AgentExit, InterruptedException {
        HubAddress hub = HubAddress.parse(identity.get().hub());
        boolean expiryWarned = false;
        Backoff backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), random);
        StoredIdentity channelIdentity = identity.get();
        ManagedChannel channel = sessionChannel(hub, channelIdentity);
        try {
            LOG.info("connecting to the hub at {} as dockerhost {}", hub, channelIdentity.hostName());
            while (!stopping) {
                AgentSession s = new AgentSession(channel, identity, desiredState, inspector,
                        RenewalPolicy.DEFAULT, clock, config.agentVersion());
                session = s;
                if (stopping) {
                    break; // stop() ran before it could see this session
                }
                AgentSession.End end = s.run();
                session = null;
                if (end.stopped() || stopping) {
                    break;
                }
                if (end.welcomed()) {
                    backoff.reset();
                }
                StoredIdentity id = identity.get();
                if (!expiryWarned && id.certificate().getNotAfter().toInstant().isBefore(clock.instant())) {
                    expiryWarned = true;
                    LOG.warn("the client certificate expired at {}; if the hub keeps refusing it, join again with a new token",
                            id.certificate().getNotAfter().toInstant());
                }
                FailureClassifier.Context context = new FailureClassifier.Context(
                        id.host().getNamespace(), id.host().getName(), config.stateDir());
                if (!retryAfter(FailureClassifier.classify(end.error(), context), backoff, "session ended")) {
                    break;
                }
                if (id != channelIdentity) { // renewed: the next connection must present the new certificate
                    close(channel);
                    channelIdentity = id;
                    channel = sessionChannel(hub, channelIdentity);
                }
            }
        } finally {
            close(channel);
        }
    }

    private ManagedChannel sessionChannel(HubAddress hub, StoredIdentity identity) {
        return Grpc.newChannelBuilderForAddress(hub.host(), hub.port(), TlsCredentials.forSession(identity))
                .userAgent("kdop-edge-agent/" + config.agentVersion())
                .keepAliveTime(KEEPALIVE.toSeconds(), TimeUnit.SECONDS)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Logs the cause, waits out the backoff; false when the agent was stopped meanwhile. */
    private boolean retryAfter(Failure failure, Backoff backoff, String what) throws AgentExit, InterruptedException {
        switch (failure) {
            case Failure.Fatal fatal -> throw new AgentExit(fatal.exitCode(), fatal.message());
            case Failure.Retry retry -> {
                Duration delay = backoff.next();
                LOG.warn("{}: {}; retrying in {}", what, retry.cause(), Durations.format(delay));
                return !stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
