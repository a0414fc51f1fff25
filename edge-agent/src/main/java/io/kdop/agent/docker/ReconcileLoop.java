package io.kdop.agent.docker;

import com.github.dockerjava.api.DockerClient;
import io.kdop.agent.hostfs.HostPathResolver;
import io.kdop.agent.hostfs.HostPaths;
import io.kdop.agent.job.JobBackoff;
import io.kdop.agent.job.JobRules;
import io.kdop.agent.reconcile.FailureTracker;
import io.kdop.agent.reconcile.MountGuard;
import io.kdop.agent.reconcile.PolicyGate;
import io.kdop.agent.reconcile.SecretLayout;
import io.kdop.agent.reconcile.StatusBoard;
import io.kdop.agent.reconcile.Workloads;
import io.kdop.agent.store.JobRecordStore;
import io.kdop.agent.store.SecretFileStore;
import io.kdop.agent.store.StateDirectory;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's thread, independent of the hub session. It runs a pass at start (from the
 * persisted desired state, so it works while the hub is unreachable), when a new desired state is
 * persisted, shortly after Docker events about managed containers (coalesced over
 * {@link #EVENT_DELAY}; a job's container exiting is a "die" event), when an image pull that runs
 * in the background ends, when a failure backoff ends,
 * when a job's time comes (its next attempt, its active deadline, its TTL), and every resync
 * interval. Passes never overlap: there is one thread.
 */
public final class ReconcileLoop implements Workloads {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    /** Events come in bursts (kill, die, stop, destroy): one pass after the burst repairs them all. */
    public static final Duration EVENT_DELAY = Duration.ofMillis(200);
    /** The default of --resync-interval. */
    public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

    private final java.util.concurrent.atomic.AtomicLong completedPasses = new java.util.concurrent.atomic.AtomicLong();
    private final ReconcilePass pass;
    private final StatusBoard board;
    private final Duration resyncInterval;
    private final Clock clock;
    private final WallClockWatch clockWatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean requested;
    private long dueNanos;
    private volatile boolean closed;
    private Thread thread;
    private DockerEvents events;
    private AutoCloseable[] resources = new AutoCloseable[0];
    private io.kdop.agent.reconcile.ContainerAddresses addresses = io.kdop.agent.reconcile.ContainerAddresses.NONE;
    private String lastError; // the last pass failure logged, so a persistent one is logged once

    private ReconcileLoop(ReconcilePass pass, StatusBoard board, Duration resyncInterval, Clock clock) {
        this.pass = pass;
        this.board = board;
        this.resyncInterval = resyncInterval;
        this.clock = clock;
        this.clockWatch = new WallClockWatch(clock, System::nanoTime);
    }

    /**
     * What the agent starts once it knows its identity: a loop on the Docker daemon at
     * {@code dockerHost}, with secret files under {@code <stateDir>/secrets} and job records under
     * {@code <stateDir>/jobs}, resolving host mount paths where it sees the host's "/",
     * {@code hostRoot} (see {@link HostPaths}).
     */
    public static Workloads.Starter starter(String dockerHost, Path stateDir, Path hostRoot, Duration resyncInterval,
            JobBackoff jobBackoff) {
        return (host, desired) -> start(dockerHost, stateDir, hostRoot, resyncInterval, jobBackoff, host, desired,
                Clock.systemUTC());
    }

    /** {@link #start(String, Path, Duration, JobBackoff, HostIdentity, Supplier, Clock)} with the default job backoff. */
    public static ReconcileLoop start(String dockerHost, Path stateDir, Duration resyncInterval, HostIdentity host,
            Supplier<Optional<DesiredState>> desired, Clock clock) throws IOException {
        return start(dockerHost, stateDir, resyncInterval, JobBackoff.DEFAULT, host, desired, clock);
    }

    /** An agent that runs on the host itself: it sees the host's "/" as its own. */
    public static ReconcileLoop start(String dockerHost, Path stateDir, Duration resyncInterval, JobBackoff jobBackoff,
            HostIdentity host, Supplier<Optional<DesiredState>> desired, Clock clock) throws IOException {
        return start(dockerHost, stateDir, Path.of("/"), resyncInterval, jobBackoff, host, desired, clock);
    }

    /**
     * Builds the loop and its Docker clients and starts it (the first pass runs at once).
     *
     * @throws IOException when the job records cannot be read
     */
    public static ReconcileLoop start(String dockerHost, Path stateDir, Path hostRoot, Duration resyncInterval,
            JobBackoff jobBackoff, HostIdentity host, Supplier<Optional<DesiredState>> desired, Clock clock)
            throws IOException {
        JobRecordStore records = JobRecordStore.open(stateDir, clock);
        // a hung daemon must not hang the loop forever; a pull streams progress well within this
        DockerClient commands = DockerClients.create(dockerHost, Duration.ofMinutes(5), 4);
        DockerClient stream = DockerClients.create(dockerHost, DockerClients.STREAM, 1);
        StatusBoard board = new StatusBoard();
        SecretLayout layout = new SecretLayout(stateDir.resolve(StateDirectory.SECRETS_DIRECTORY));
        SecretFileStore secrets = new SecretFileStore(layout);
        HostPaths hostPaths = new HostPaths(hostRoot, stateDir);
        MountGuard mounts = MountGuard.of(stateDir, dockerHost, hostPaths);
        DockerObserver observer = new DockerObserver(commands, host.getUid());
        DockerExecutor executor = new DockerExecutor(commands, PULL_TIMEOUT);
        FailureTracker failures = new FailureTracker(clock);
        // the loop is built last, but a pull that ends must wake it
        AtomicReference<ReconcileLoop> woken = new AtomicReference<>();
        DockerClient pulling = DockerClients.create(dockerHost, Duration.ofMinutes(5), BackgroundPulls.CONCURRENT);
        BackgroundPulls pulls = new BackgroundPulls(new DockerExecutor(pulling, PULL_TIMEOUT), () -> {
            ReconcileLoop l = woken.get();
            if (l != null) {
                l.request(Duration.ZERO);
            }
        }, clock);
        DaemonProbe daemon = new DaemonProbe(dockerHost);
        DockerOutages outages = new DockerOutages(clock);
        JobDriver jobs = new JobDriver(observer, executor, secrets, records, failures,
                new JobRules(host.getUid(), layout, mounts, jobBackoff), daemon, outages, pulls, clock);
        ReconcilePass pass = new ReconcilePass(observer, executor, secrets, mounts, host.getUid(), desired, board,
                failures, jobs, pulls, state -> PolicyGate.of(host, state, path -> realPath(hostPaths, path)));
        ReconcileLoop loop = new ReconcileLoop(pass, board, resyncInterval, clock);
        woken.set(loop);
        loop.events = new DockerEvents(stream, Map.of(
                ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE,
                ManagedContainers.HOST_UID, host.getUid()), loop::dockerEvent, daemon, outages);
        DockerClient tunnels = DockerClients.create(dockerHost, Duration.ofSeconds(10), 4);
        loop.addresses = new DockerAddresses(tunnels, host.getUid());
        loop.resources = new AutoCloseable[] {stream, commands, pulling, tunnels};
        loop.start();
        loop.events.start();
        return loop;
    }

    /** Starts the thread; the first pass runs at once. */
    private ReconcileLoop start() {
        request(Duration.ZERO);
        thread = Thread.ofVirtual().name("kdop-reconciler").start(this::loop);
        return this;
    }

    /** How many passes have finished, so callers (and tests) can wait for the next one. */
    public long completedPasses() {
        return completedPasses.get();
    }

    @Override
    public void desiredStateChanged() {
        request(Duration.ZERO);
    }

    /** A Docker event about a managed container: a pass soon. */
    public void dockerEvent() {
        request(EVENT_DELAY);
    }

    @Override
    public StatusBoard status() {
        return board;
    }

    @Override
    public io.kdop.agent.reconcile.ContainerAddresses addresses() {
        return addresses;
    }

    /** Asks for a pass after {@code delay}, unless one is already due sooner. */
    private void request(Duration delay) {
        lock.lock();
        try {
            long due = System.nanoTime() + Math.max(0, delay.toNanos());
            if (!requested || due - dueNanos < 0) {
                requested = true;
                dueNanos = due;
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long nextResync = System.nanoTime() + resyncInterval.toNanos();
        while (true) {
            lock.lock();
            try {
                while (!closed) {
                    long target = requested && dueNanos - nextResync < 0 ? dueNanos : nextResync;
                    long wait = target - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    wake.awaitNanos(wait);
                }
                if (closed) {
                    return;
                }
                requested = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                Optional<Instant> retry = runPass();
                completedPasses.incrementAndGet();
                retry.ifPresent(at -> request(Duration.between(clock.instant(), at)));
            } catch (InterruptedException e) {
                return;
            }
            nextResync = System.nanoTime() + resyncInterval.toNanos();
        }
    }

    private Optional<Instant> runPass() throws InterruptedException {
        try {
            clockWatch.jumped().ifPresent(pass::clockJumped);
            Optional<Instant> retry = pass.run();
            lastError = null;
            return retry;
        } catch (RuntimeException e) {
            String why = DockerErrors.describe(e);
            if (!closed && !why.equals(lastError)) {
                LOG.warn("reconciliation pass failed: {}", why);
                LOG.debug("reconciliation pass failed", e);
                lastError = why;
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (events != null) {
            events.close();
        }
        try {
            if (thread != null && !thread.join(Duration.ofSeconds(2))) {
                // a pass still busy (a pull, a stop's grace period): interrupt it; closing the
                // clients below ends a Docker call that does not notice
                thread.interrupt();
                thread.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("closing a Docker client: {}", e.toString());
            }
        }
    }

    /**
     * The path the host's policy judges: where its links lead, as Docker will bind it. One that
     * cannot be resolved is judged as written; the mount guard refuses it anyway.
     */
    private static String realPath(HostPathResolver resolver, String path) {
        try {
            return resolver.resolve(java.nio.file.Path.of(path)).path().toString();
        } catch (HostPathResolver.Unresolvable | java.nio.file.InvalidPathException e) {
            return path;
        }
    }
}
