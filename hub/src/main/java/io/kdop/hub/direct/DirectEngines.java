package io.kdop.hub.direct;

import com.github.dockerjava.api.DockerClient;
import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.docker.DockerEndpoint;
import io.kdop.engine.docker.PublishedPorts;
import io.kdop.engine.plan.HostPathResolver;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.run.EngineSetup;
import io.kdop.engine.run.ReconcileLoop;
import io.kdop.engine.status.StatusBoard;
import io.kdop.engine.store.JobRecords;
import io.kdop.hub.tunnel.DirectRoutes;
import io.kdop.proto.tunnel.TransportLoops;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile engines the hub runs for direct hosts: one per DockerHost with spec.hostURL whose
 * Docker API answered, enforcing the host's desired state there as an agent does on its own host,
 * and reporting what runs as an agent's status reports do. An engine starts only after the hub
 * rebuilt every host's desired state (the DockerHost controller starts it, after the warm-up), so
 * a restarted hub never enforces an incomplete state; it is replaced when the host's address or
 * TLS material changes, and stopped when the host goes or stops being direct.
 */
public final class DirectEngines implements DirectRoutes, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectEngines.class);

    /** The engines' resync: Docker's events repair drift at once, this catches anything they miss. */
    private static final Duration RESYNC = ReconcileLoop.DEFAULT_RESYNC;

    private final Function<String, Optional<DesiredState>> desired;
    private final BiConsumer<String, StatusReport> reports;
    private final JobRecordsSource jobRecords;
    private final TransportLoops loops;
    private final Clock clock;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** The hosts whose last probe answered (an engine may run on one that does not, for now). */
    private final Set<String> answering = ConcurrentHashMap.newKeySet();
    /** The highest desired-state revision each host's engine read: it applies what it reads at once. */
    private final Map<String, Long> read = new ConcurrentHashMap<>();
    private boolean closed;

    /** One engine, what it was started with, its secret volumes, and its Service connections. */
    private record Running(ReconcileLoop loop, String config, StatusBoard.Subscription subscription,
            SecretVolumeStore secrets, DockerClient tunnels, PublishedPorts ports, RelayedConnections relays) {}

    /**
     * @param desired a host's (key) desired state, as the hub keeps it for agents too
     * @param reports takes a host's (key) status report, as an agent's session would
     * @param jobRecords where a host's job records are kept (the hub has no disk): read before its engine starts
     * @param loops the hub's transport loops, which carry the hosts' Service connections too
     */
    public DirectEngines(Function<String, Optional<DesiredState>> desired, BiConsumer<String, StatusReport> reports,
            JobRecordsSource jobRecords, TransportLoops loops, Clock clock) {
        this.desired = desired;
        this.reports = reports;
        this.jobRecords = jobRecords;
        this.loops = loops;
        this.clock = clock;
    }

    /**
     * The host's API answered with this endpoint and TLS material: makes sure an engine runs on it.
     *
     * @param config what the endpoint was made of (host uid, address, TLS Secret version): a change restarts the engine
     * @return false when no engine could start (its job records cannot be read)
     */
    public synchronized boolean connected(HostIdentity host, DirectEndpoint endpoint, SSLContext tls, String config) {
        String key = host.getNamespace() + "/" + host.getName();
        if (closed) {
            return false;
        }
        Running current = running.get(key);
        if (current != null && current.config().equals(config)) {
            answering.add(key);
            return true;
        }
        if (current != null) {
            LOG.info("direct host {}: its address or TLS material changed, reconnecting", key);
            stop(key); // first: the new engine reads the job records the old one wrote last
        }
        JobRecords records;
        try {
            records = jobRecords.open(host);
        } catch (IOException e) {
            // without its records a job could run twice: no engine until they can be read (the next probe tries again)
            LOG.warn("direct host {}: not driving its Docker API yet: {}", key, e.getMessage());
            return false;
        }
        DockerEndpoint docker = DockerEndpoint.of(endpoint.dockerHost(), tls);
        // secret files go into Docker volumes through the API: the hub has no disk on the host
        SecretVolumeStore secrets = new SecretVolumeStore(docker.client(Duration.ofMinutes(1), 2), host.getUid(), clock);
        EngineSetup setup = new EngineSetup(docker, host,
                () -> Optional.of(read(key, desired.apply(key).orElse(DesiredState.getDefaultInstance()))),
                records, secrets,
                new MountGuard(MountGuard.daemonPaths(endpoint.dockerHost()), DirectEngines::asWritten),
                DirectEngines::asWritten, Backoff.JOBS, RESYNC, clock);
        ReconcileLoop loop = ReconcileLoop.start(setup);
        DockerClient tunnels = docker.client(Duration.ofSeconds(10), 4);
        StatusBoard board = loop.status();
        Object forwarding = new Object();
        // Whoever forwards reads the board's latest report under one lock, so the last one forwarded is
        // the newest, whether the engine's listener or this start-up call comes last. On the engine's
        // thread it only records the report and enqueues reconciles.
        Runnable forward = () -> {
            synchronized (forwarding) {
                board.latest().ifPresent(report -> reports.accept(key, report));
            }
        };
        StatusBoard.Subscription subscription = board.subscribe(forward);
        forward.run();
        running.put(key, new Running(loop, config, subscription, secrets, tunnels,
                new PublishedPorts(tunnels, host.getUid(), endpoint.hostAddress()), new RelayedConnections(loops)));
        answering.add(key);
        LOG.info("direct host {}: running its workloads on the Docker API at {}", key, endpoint.dockerHost());
        return true;
    }

    /** Stops the host's engine if it was started with another endpoint or TLS material than {@code config}. */
    public synchronized void stopUnless(String hostKey, String config) {
        Running r = running.get(hostKey);
        if (r != null && !r.config().equals(config)) {
            LOG.info("direct host {}: its address or TLS material changed; the engine on the old one stops", hostKey);
            stop(hostKey);
        }
    }

    /** The host's last probe failed: Service connections no longer go there (its engine keeps trying). */
    public void notAnswering(String hostKey) {
        answering.remove(hostKey);
    }

    /** Whether an engine drives the host and the host answered its last probe. */
    public boolean answering(String hostKey) {
        return answering.contains(hostKey) && running.containsKey(hostKey);
    }

    /** The host's desired state changed: its engine (if any) runs a pass soon. */
    public void desiredStateChanged(String hostKey) {
        Running r = running.get(hostKey);
        if (r != null) {
            r.loop().desiredStateChanged();
        }
    }

    /**
     * A Service connection to a container of a direct host goes to the port Docker published it on
     * there (only ports a workload declared reach here: ServiceTunnels checks).
     */
    @Override
    public boolean carry(String hostKey, WorkloadRef workload, int port, SocketChannel client) {
        Running r = running.get(hostKey);
        if (r == null) {
            return false;
        }
        String what = workload.getNamespace() + "/" + workload.getName() + ":" + port + " on DockerHost " + hostKey;
        Optional<ContainerSpec> spec = desired.apply(hostKey).flatMap(state -> state.getContainersList().stream()
                .filter(c -> c.getWorkload().getUid().equals(workload.getUid())).findFirst());
        if (spec.isEmpty() || !answering.contains(hostKey)) {
            LOG.debug("no tunnel to {}: {}", what, spec.isEmpty() ? "not in the host's desired state"
                    : "the host does not answer");
            SocketRelay.reset(client);
            return true;
        }
        r.relays().start(client, () -> r.ports().resolve(spec.get(), port), what);
        return true;
    }

    /** Stops the host's engine, if one runs; what runs on the host keeps running. */
    public void stop(String hostKey) {
        if (!running.containsKey(hostKey)) {
            return; // the common case (an agent host's reconcile): no lock taken
        }
        Running r;
        synchronized (this) {
            r = running.remove(hostKey);
            answering.remove(hostKey);
            read.remove(hostKey);
        }
        if (r != null) {
            LOG.info("direct host {}: no longer driving its Docker API", hostKey);
            close(r);
        }
    }

    /** The host was deleted: its engine stops and its job records go (they hold secret values). */
    public void forgetDeleted(String hostKey, String hostUid) {
        stop(hostKey);
        jobRecords.forget(hostUid);
    }

    /**
     * The highest desired-state revision the host's engine has read (0 if none): as an agent's
     * acknowledged revision, a job in it may have begun before any report says so.
     */
    public long appliedRevision(String hostKey) {
        return read.getOrDefault(hostKey, 0L);
    }

    private DesiredState read(String hostKey, DesiredState state) {
        read.merge(hostKey, state.getRevision(), Math::max);
        return state;
    }

    public boolean runs(String hostKey) {
        return running.containsKey(hostKey);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        List.copyOf(running.keySet()).forEach(this::stop);
    }

    private static void close(Running r) {
        r.subscription().close();
        try {
            r.relays().resetAll();
        } finally {
            // whatever resetting did, the engine stops: a stopped host is never driven on
            r.loop().close();
            try {
                r.secrets().close();
                r.tunnels().close();
            } catch (IOException e) {
                LOG.debug("closing a Docker client: {}", e.toString());
            }
        }
    }

    /**
     * The hub cannot see a direct host's file system, so it cannot follow symbolic links there: a
     * host path is judged as written (normalized). Guarded paths are still refused by name.
     */
    private static HostPathResolver.Resolved asWritten(Path hostPath) {
        return new HostPathResolver.Resolved(hostPath.normalize(), List.of());
    }
}
