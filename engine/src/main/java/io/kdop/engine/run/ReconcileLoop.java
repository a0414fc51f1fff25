package io.kdop.engine.run;

import com.github.dockerjava.api.DockerClient;
import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.ContainerAddresses;
import io.kdop.engine.docker.DaemonProbe;
import io.kdop.engine.docker.DockerAddresses;
import io.kdop.engine.docker.DockerClients;
import io.kdop.engine.docker.DockerEndpoint;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.docker.DockerEvents;
import io.kdop.engine.docker.DockerExecutor;
import io.kdop.engine.docker.DockerObserver;
import io.kdop.engine.docker.DockerOutages;
import io.kdop.engine.job.JobRules;
import io.kdop.engine.plan.HostPathResolver;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.PolicyGate;
import io.kdop.engine.pull.BackgroundPulls;
import io.kdop.engine.status.StatusBoard;
import io.kdop.proto.v1.HostIdentity;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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

    private final AtomicLong completedPasses = new AtomicLong();
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
    private ContainerAddresses addresses = ContainerAddresses.NONE;
    private String lastError; // the last pass failure logged, so a persistent one is logged once

    private ReconcileLoop(ReconcilePass pass, StatusBoard board, Duration resyncInterval, Clock clock) {
        this.pass = pass;
        this.board = board;
        this.resyncInterval = resyncInterval;
        this.clock = clock;
        this.clockWatch = new WallClockWatch(clock, System::nanoTime);
    }

    /**
     * Builds the loop and its Docker clients and starts it (the first pass runs at once).
     */
    public static ReconcileLoop start(EngineSetup setup) {
        DockerEndpoint docker = setup.docker();
        HostIdentity host = setup.host();
        Clock clock = setup.clock();
        // a hung daemon must not hang the loop forever; a pull streams progress well within this
        DockerClient commands = docker.client(Duration.ofMinutes(5), 4);
        DockerClient stream = docker.client(DockerClients.STREAM, 1);
        StatusBoard board = new StatusBoard();
        DockerObserver observer = new DockerObserver(commands, host.getUid());
        DockerExecutor executor = new DockerExecutor(commands, PULL_TIMEOUT);
        FailureTracker failures = new FailureTracker(clock);
        // the loop is built last, but a pull that ends must wake it
        AtomicReference<ReconcileLoop> woken = new AtomicReference<>();
        DockerClient pulling = docker.client(Duration.ofMinutes(5), BackgroundPulls.CONCURRENT);
        BackgroundPulls pulls = new BackgroundPulls(new DockerExecutor(pulling, PULL_TIMEOUT), () -> {
            ReconcileLoop l = woken.get();
            if (l != null) {
                l.request(Duration.ZERO);
            }
        }, clock);
        DaemonProbe daemon = docker.probe();
        DockerOutages outages = new DockerOutages(clock);
        StepExecutor steps = new StepExecutor(observer::imagePresent, executor, pulls, failures);
        JobDriver jobs = new JobDriver(observer, steps, setup.secrets(), setup.records(), failures,
                new JobRules(host.getUid(), setup.secrets().layout(), setup.mounts(), setup.jobBackoff()), daemon,
                outages, clock);
        HostPathResolver hostPaths = setup.hostPaths();
        ReconcilePass pass = new ReconcilePass(observer, steps, setup.secrets(), setup.mounts(), host.getUid(),
                setup.desired(), board, failures, jobs, pulls,
                state -> PolicyGate.of(host, state, path -> realPath(hostPaths, path)));
        ReconcileLoop loop = new ReconcileLoop(pass, board, setup.resyncInterval(), clock);
        woken.set(loop);
        loop.events = new DockerEvents(stream, Map.of(
                ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE,
                ManagedContainers.HOST_UID, host.getUid()), loop::dockerEvent, daemon, outages);
        DockerClient tunnels = docker.client(Duration.ofSeconds(10), 4);
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
    public ContainerAddresses addresses() {
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
            return resolver.resolve(Path.of(path)).path().toString();
        } catch (HostPathResolver.Unresolvable | InvalidPathException e) {
            return path;
        }
    }
}
