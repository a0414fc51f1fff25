package io.kdop.hub.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevisionTest {

    @Test
    void sameContentKeepsItsRevision() {
        Revision current = new Revision(4, "d1");
        assertThat(Revision.next(Optional.of(current), "d1", Optional.empty())).isEqualTo(current);
    }

    @Test
    void newContentGetsANumberAboveEverythingSeen() {
        assertThat(Revision.next(Optional.of(new Revision(4, "d1")), "d2", Optional.of(new Revision(9, "d0"))))
                .isEqualTo(new Revision(10, "d2"));
        assertThat(Revision.next(Optional.empty(), "d1", Optional.empty())).isEqualTo(new Revision(1, "d1"));
    }

    @Test
    void afterAHubRestartTheAgentsRevisionIsAdoptedWhenTheContentIsTheSame() {
        assertThat(Revision.next(Optional.empty(), "d1", Optional.of(new Revision(12, "d1"))))
                .isEqualTo(new Revision(12, "d1"));
        assertThat(Revision.next(Optional.empty(), "d2", Optional.of(new Revision(12, "d1"))))
                .isEqualTo(new Revision(13, "d2"));
    }

    @Test
    void theBookAnnouncesOnlyRealChanges() {
        DesiredStateBook book = new DesiredStateBook();
        assertThat(book.update("ns/h", List.of())).hasValueSatisfying(s -> assertThat(s.getRevision()).isEqualTo(1));
        assertThat(book.update("ns/h", List.of())).isEmpty();
        ContainerSpec spec = ContainerSpec.newBuilder().setWorkload(WorkloadRef.newBuilder().setName("web")).build();
        assertThat(book.update("ns/h", List.of(spec))).hasValueSatisfying(s -> assertThat(s.getRevision()).isEqualTo(2));
    }

    @Test
    void anAgentAheadOfARestartedHubIsAdoptedEvenWhenTheHubComputedTheSameContentFirst() {
        DesiredStateBook book = new DesiredStateBook();
        // after a restart the controller runs before the agent reconnects: revision 1 ...
        var restarted = book.update("ns/h", List.of()).orElseThrow();
        assertThat(restarted.getRevision()).isEqualTo(1);
        // ... then the agent says it applied 30 of the same content: 30 it stays, never back to 1
        var snapshot = book.forSession("ns/h", new Revision(30, restarted.getDigest()));
        assertThat(snapshot.getRevision()).isEqualTo(30);
        ContainerSpec spec = ContainerSpec.newBuilder().setWorkload(WorkloadRef.newBuilder().setName("web")).build();
        assertThat(book.update("ns/h", List.of(spec))).hasValueSatisfying(s -> assertThat(s.getRevision()).isEqualTo(31));
    }

    @Test
    void anAgentAheadWithOtherContentGetsANumberAboveIts() {
        assertThat(Revision.next(Optional.of(new Revision(1, "d1")), "d1", Optional.of(new Revision(30, "d0"))))
                .isEqualTo(new Revision(31, "d1"));
    }

    @Test
    void aReconnectingAgentAheadOfARestartedHubPushesTheRevisionUp() {
        DesiredStateBook book = new DesiredStateBook();
        var snapshot = book.forSession("ns/h", new Revision(30, "other"));
        assertThat(snapshot.getRevision()).isEqualTo(31);
        assertThat(book.update("ns/h", List.of())).isEmpty();
    }
}
