package io.kdop.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.WorkloadRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path stateDir;

    private static DesiredState state(long revision, String digest) {
        return DesiredState.newBuilder().setRevision(revision).setDigest(digest)
                .addContainers(ContainerSpec.newBuilder().setWorkload(WorkloadRef.newBuilder().setName("web")))
                .build();
    }

    @Test
    void roundTrips() throws Exception {
        DesiredStateStore store = DesiredStateStore.open(stateDir, CLOCK);
        assertThat(store.current()).isEmpty();
        assertThat(store.save(state(3, "d3"))).isTrue();
        assertThat(DesiredStateStore.open(stateDir, CLOCK).current()).contains(state(3, "d3"));
        Path file = stateDir.resolve(DesiredStateStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void doesNotRewriteTheSameRevisionAndDigest() throws Exception {
        DesiredStateStore store = DesiredStateStore.open(stateDir, CLOCK);
        store.save(state(3, "d3"));
        Path file = stateDir.resolve(DesiredStateStore.FILE_NAME);
        FileTime marker = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(file, marker);
        assertThat(store.save(state(3, "d3"))).isFalse();
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(marker);
        assertThat(store.save(state(3, "other"))).isTrue();
        assertThat(store.current()).contains(state(3, "other"));
    }

    @Test
    void setsACorruptFileAsideAndStartsEmpty() throws Exception {
        Files.write(stateDir.resolve(DesiredStateStore.FILE_NAME), new byte[] {(byte) 0xff, 0x01, 0x02});
        DesiredStateStore store = DesiredStateStore.open(stateDir, CLOCK);
        assertThat(store.current()).isEmpty();
        try (Stream<Path> files = Files.list(stateDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly(DesiredStateStore.FILE_NAME + ".corrupt-" + CLOCK.millis());
        }
        assertThat(store.save(state(1, "d1"))).isTrue();
        assertThat(DesiredStateStore.open(stateDir, CLOCK).current()).contains(state(1, "d1"));
    }
}
