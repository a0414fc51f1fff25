package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.job.JobRecord;
import io.kdop.engine.store.JobRecords;
import io.kdop.proto.tunnel.TransportLoops;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engines' lifecycle, on a Docker socket that does not exist (the engine runs, its passes wait for Docker). */
class DirectEnginesTest {

    private static final HostIdentity HOST = HostIdentity.newBuilder().setNamespace("edge").setName("remote")
            .setUid("host-uid-1").build();
    private static final DirectEndpoint ENDPOINT = new DirectEndpoint(DirectEndpoint.Transport.UNIX,
            "unix:///nonexistent/docker.sock", null, null);

    private final List<String> forgotten = new ArrayList<>();
    private final TransportLoops loops = new TransportLoops(1, "test-direct");

    @AfterEach
    void closeLoops() {
        loops.close();
    }

    @Test
    void noEngineStartsWhileTheHostsJobRecordsCannotBeRead() {
        try (DirectEngines engines = engines(true)) {

            assertThat(engines.connected(HOST, ENDPOINT, null, "config-1")).isFalse();

            // a job begun before a hub restart would otherwise be begun again
            assertThat(engines.runs("edge/remote")).isFalse();
            assertThat(engines.appliedRevision("edge/remote")).isZero();
        }
    }

    @Test
    void anEngineRunsOnlyWithTheEndpointItWasStartedWith() {
        try (DirectEngines engines = engines(false)) {
            assertThat(engines.connected(HOST, ENDPOINT, null, "config-1")).isTrue();
            assertThat(engines.answering("edge/remote")).isTrue();

            engines.stopUnless("edge/remote", "config-1");
            assertThat(engines.runs("edge/remote")).as("same address and TLS material: kept").isTrue();

            engines.stopUnless("edge/remote", "config-2");
            assertThat(engines.runs("edge/remote")).as("a new address or Secret: stopped before any probe").isFalse();
            assertThat(engines.answering("edge/remote")).isFalse();
        }
    }

    @Test
    void aHostThatStopsAnsweringGetsNoConnectionsAndADeletedOneLosesItsRecords() {
        try (DirectEngines engines = engines(false)) {
            engines.connected(HOST, ENDPOINT, null, "config-1");

            engines.notAnswering("edge/remote");
            assertThat(engines.runs("edge/remote")).as("the engine keeps trying").isTrue();
            assertThat(engines.answering("edge/remote")).isFalse();

            engines.forgetDeleted("edge/remote", "host-uid-1");
            assertThat(engines.runs("edge/remote")).isFalse();
            assertThat(forgotten).containsExactly("host-uid-1");
        }
    }

    @Test
    void aClosedHubStartsNoEngine() {
        DirectEngines engines = engines(false);
        engines.close();

        assertThat(engines.connected(HOST, ENDPOINT, null, "config-1")).isFalse();
        assertThat(engines.runs("edge/remote")).isFalse();
    }

    private DirectEngines engines(boolean recordsUnreadable) {
        return new DirectEngines(key -> Optional.empty(), (key, report) -> { }, new JobRecordsSource() {
            @Override
            public JobRecords open(HostIdentity host) throws IOException {
                if (recordsUnreadable) {
                    throw new IOException("cannot list the job records of DockerHost edge/remote");
                }
                return new NoRecords();
            }

            @Override
            public void forget(String hostUid) {
                forgotten.add(hostUid);
            }
        }, loops, Clock.systemUTC());
    }

    /** A host without jobs. */
    private static final class NoRecords implements JobRecords {
        @Override
        public Map<String, JobRecord> all() {
            return Map.of();
        }

        @Override
        public Optional<JobRecord> get(String uid) {
            return Optional.empty();
        }

        @Override
        public boolean unreadable(String uid) {
            return false;
        }

        @Override
        public Set<String> unreadable() {
            return Set.of();
        }

        @Override
        public void save(JobRecord record) {
            throw new UnsupportedOperationException("no jobs here");
        }

        @Override
        public void delete(String uid) {
            // none
        }
    }
}
