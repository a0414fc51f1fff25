package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.state.DesiredStateBook;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadRef;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A status report is believed about the hub's own workloads only, and only as the hub names them. */
class WorkloadReportsTest {

    private static final WorkloadRef WEB = WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace("team-a")
            .setName("web").setUid("uid-web").build();

    private final HostWorkloads workloads = new HostWorkloads(new DesiredStateBook(), (host, snapshot) -> { });
    private final List<WorkloadRef> changed = new ArrayList<>();
    private final WorkloadReports reports = new WorkloadReports(workloads::reference, changed::add);

    @Test
    void aReportNamingAPlacedUidUnderAnotherNameUpdatesTheHubsWorkloadNotTheClaimedOne() {
        workloads.place("edge/h1", ContainerSpec.newBuilder().setWorkload(WEB).setContainerName("web").build());
        WorkloadRef claimed = WorkloadRef.newBuilder().setKind("DockerJob").setNamespace("team-b").setName("victim")
                .setUid("uid-web").build();

        reports.accept("edge/h1", report(status(claimed, "Running")));

        assertThat(changed).containsExactly(WEB);
        assertThat(reports.status("edge/h1", "uid-web")).map(WorkloadStatus::getWorkload).contains(WEB);
    }

    @Test
    void aReportAboutAWorkloadNotPlacedOnTheHostIsDropped() {
        workloads.place("edge/h2", ContainerSpec.newBuilder().setWorkload(WEB).setContainerName("web").build());

        reports.accept("edge/h1", report(status(WEB, "Exited")));

        assertThat(changed).isEmpty();
        assertThat(reports.status("edge/h1", "uid-web")).isEmpty();
    }

    @Test
    void aUidReportedTwiceCountsOnce() {
        workloads.place("edge/h1", ContainerSpec.newBuilder().setWorkload(WEB).setContainerName("web").build());

        reports.accept("edge/h1", report(status(WEB, "Running"), status(WEB, "Exited")));

        assertThat(reports.status("edge/h1", "uid-web")).map(WorkloadStatus::getPhase).contains("Running");
        assertThat(changed).containsExactly(WEB);
    }

    @Test
    void reportedTextIsBoundedAndKeepsOnlyTheLineBreaksOfAMessage() {
        workloads.place("edge/h1", ContainerSpec.newBuilder().setWorkload(WEB).setContainerName("web").build());
        String forged = "\n2026-12-02 10:00:00 INFO forged\u001b[2J";

        reports.accept("edge/h1", report(status(WEB, "Failed").toBuilder()
                .setReason("x".repeat(1 << 20) + forged).setMessage("line 1\nline 2" + forged).build()));

        WorkloadStatus stored = reports.status("edge/h1", "uid-web").orElseThrow();
        assertThat(stored.getReason()).hasSize(PeerText.FIELD_MAX + 1).doesNotContain("\n");
        assertThat(stored.getMessage()).isEqualTo("line 1\nline 2\n2026-12-02 10:00:00 INFO forged?[2J");
    }

    private static WorkloadStatus status(WorkloadRef ref, String phase) {
        return WorkloadStatus.newBuilder().setWorkload(ref).setPhase(phase).build();
    }

    private static StatusReport report(WorkloadStatus... statuses) {
        return StatusReport.newBuilder().setObservedRevision(1).addAllWorkloads(List.of(statuses)).build();
    }
}
