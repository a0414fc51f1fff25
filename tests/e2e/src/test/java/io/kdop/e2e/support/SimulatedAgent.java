package io.kdop.e2e.support;

import io.kdop.agent.session.Agent;
import io.kdop.agent.session.AgentConfig;
import io.kdop.agent.session.HubAddress;
import io.kdop.agent.session.SessionTimings;
import io.kdop.engine.docker.HostSnapshot;
import io.kdop.engine.run.Workloads;
import io.kdop.engine.status.StatusBoard;
import io.kdop.proto.JoinToken;
import io.kdop.proto.v1.HostFacts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An edge agent without Docker, for benchmarks with many hosts on one machine: the real agent
 * (join, pinned CA, mTLS session, heartbeats, desired state persisted and acknowledged) with
 * made-up host facts, and instead of a reconciler a note of when each container name first
 * arrived in a persisted desired state.
 */
public final class SimulatedAgent implements AutoCloseable {

    private static final HostFacts FACTS = HostFacts.newBuilder().setDockerVersion("simulated").setOs("linux")
            .setArch("x86_64").setCpus(1).setMemoryBytes(1L << 30).setHostname("simulated").build();

    private final Agent agent;
    private final Thread thread;
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();

    public SimulatedAgent(String hubAddress, String token, Path stateDir) {
        this(hubAddress, token, stateDir, Duration.ofSeconds(2));
    }

    /** @param maxBackoff the agent's --max-backoff (30 s in production) */
    public SimulatedAgent(String hubAddress, String token, Path stateDir, Duration maxBackoff) {
        Workloads.Starter notes = (host, desired) -> new Workloads() {
            private final StatusBoard board = new StatusBoard();

            @Override
            public void desiredStateChanged() {
                long now = System.nanoTime();
                desired.current().ifPresent(state -> state.getContainersList()
                        .forEach(c -> arrived.putIfAbsent(c.getContainerName(), now)));
            }

            @Override
            public StatusBoard status() {
                return board;
            }

            @Override
            public void close() {}
        };
        agent = new Agent(new AgentConfig(Optional.of(HubAddress.parse(hubAddress)), Optional.of(JoinToken.parse(token)),
                stateDir, AgentConfig.INITIAL_BACKOFF, maxBackoff, "simulated"),
                () -> new HostSnapshot(FACTS, List.of()), SessionTimings.DEFAULT, Clock.systemUTC(), new SplittableRandom(),
                notes);
        // A platform thread, as the real agent's main thread is: a thousand virtual ones loading
        // gRPC's classes at once deadlocked the benchmark's JVM (every carrier pinned in class loading).
        thread = Thread.ofPlatform().daemon().name("simulated-agent").stackSize(512 * 1024).start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                System.err.println("simulated agent ended: " + e);
            }
        });
    }

    /** System.nanoTime() when a desired state holding the container name was persisted, if it was. */
    public Optional<Long> arrivedAt(String containerName) {
        return Optional.ofNullable(arrived.get(containerName));
    }

    @Override
    public void close() throws InterruptedException {
        agent.stop();
        thread.join(Duration.ofSeconds(10));
    }
}
