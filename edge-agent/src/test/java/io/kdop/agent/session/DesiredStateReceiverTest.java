package io.kdop.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.agent.store.DesiredStateStore;
import io.kdop.proto.v1.Ack;
import io.kdop.proto.v1.DesiredState;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateReceiverTest {

    @TempDir
    Path stateDir;

    private static DesiredState state(long revision) {
        return DesiredState.newBuilder().setRevision(revision).setDigest("sha256:d" + revision).build();
    }

    @Test
    void persistsAndAcksNewerRevisions() throws Exception {
        DesiredStateReceiver receiver = new DesiredStateReceiver(DesiredStateStore.open(stateDir, Clock.systemUTC()));
        assertThat(receiver.receive(state(3))).isEqualTo(Ack.newBuilder().setRevision(3).setDigest("sha256:d3").build());
        assertThat(receiver.receive(state(5))).isEqualTo(Ack.newBuilder().setRevision(5).setDigest("sha256:d5").build());
        assertThat(receiver.applied()).contains(state(5));
    }

    @Test
    void neverGoesBackAndAcksWhatItKeeps() throws Exception {
        DesiredStateReceiver receiver = new DesiredStateReceiver(DesiredStateStore.open(stateDir, Clock.systemUTC()));
        receiver.receive(state(9));
        assertThat(receiver.receive(state(7))).isEqualTo(Ack.newBuilder()
                .setRevision(9).setDigest("sha256:d9").setError("stale revision 7 < 9").build());
        assertThat(DesiredStateStore.open(stateDir, Clock.systemUTC()).current()).as("not persisted").contains(state(9));
        // the same revision again is not stale
        assertThat(receiver.receive(state(9)).getError()).isEmpty();
    }
}
