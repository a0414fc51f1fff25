package io.kdop.hub.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostWorkloadsTest {

    private final List<String> published = new ArrayList<>();
    private final DesiredStateBook book = new DesiredStateBook();
    private final HostWorkloads workloads = new HostWorkloads(book,
            (host, snapshot) -> published.add(host + "@" + snapshot.getRevision() + ":" + snapshot.getContainersCount()));

    @Test
    void placingPublishesTheHostsNewSnapshotOnlyWhenItChanges() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        workloads.place("edge/h1", spec("uid-b", "db", "postgres:16"));

        assertThat(published).containsExactly("edge/h1@1:1", "edge/h1@2:2");
    }

    @Test
    void theHostsPolicyTravelsWithItsSnapshotAndAChangeIsPublishedOnce() {
        HostPolicy teamA = HostPolicy.newBuilder().addAllowedNamespaces("team-a").build();
        workloads.policy("edge/h1", teamA);
        assertThat(published).as("no snapshot yet: the policy goes with the first workload").isEmpty();
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        assertThat(book.current("edge/h1").orElseThrow().getPolicy()).isEqualTo(teamA);

        workloads.policy("edge/h1", teamA);
        workloads.policy("edge/h1", HostPolicy.newBuilder().setAllowHostNetwork(false).build());
        assertThat(published).containsExactly("edge/h1@1:1", "edge/h1@2:1");
        workloads.policy("edge/h1", HostPolicy.getDefaultInstance());
        assertThat(book.current("edge/h1").orElseThrow().hasPolicy()).as("the defaults travel as no policy").isFalse();
    }

    @Test
    void afterAHubRestartAReportMadeBeforeTheAgentGotTheNewSnapshotDoesNotCountForTheCurrentSpec() {
        // a restarted hub places from scratch: its revisions begin again, below the agent's
        assertThat(workloads.place("edge/h1", spec("uid-a", "web", "nginx:2"))).isEqualTo(
                new HostWorkloads.Placement.Placed(1));

        // the agent applied revision 49 of the hub before the restart, with other content (nginx:1)
        DesiredState sent = book.forSession("edge/h1", new Revision(49, "digest-of-other-content"));

        assertThat(sent.getRevision()).isEqualTo(50);
        assertThat(workloads.place("edge/h1", spec("uid-a", "web", "nginx:2")))
                .as("its reports at 49 are about nginx:1: only one at 50 or later tells about nginx:2")
                .isEqualTo(new HostWorkloads.Placement.Placed(50));
    }

    @Test
    void anAgentThatAlreadyRunsTheSnapshotsContentKeepsItsRevisionAndItsReportsCount() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:2"));
        String digest = book.current("edge/h1").orElseThrow().getDigest();

        DesiredState sent = book.forSession("edge/h1", new Revision(49, digest));

        assertThat(sent.getRevision()).isEqualTo(49);
        assertThat(workloads.place("edge/h1", spec("uid-a", "web", "nginx:2")))
                .isEqualTo(new HostWorkloads.Placement.Placed(1));
    }

    @Test
    void aContainerNameBelongsToTheFirstWorkloadOnAHost() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));

        assertThat(workloads.place("edge/h1", spec("uid-b", "web", "httpd:2")))
                .isEqualTo(new HostWorkloads.Placement.NameTaken("uid-a"));
        assertThat(workloads.place("edge/h2", spec("uid-b", "web", "httpd:2")))
                .isInstanceOf(HostWorkloads.Placement.Placed.class);
    }

    @Test
    void jobsTravelBesideContainersAndShareTheirNames() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        JobSpec job = JobSpec.newBuilder().setContainer(spec("uid-j", "job-migrate", "app:1")).setBackoffLimit(2).build();

        assertThat(workloads.placeJob("edge/h1", job)).isInstanceOf(HostWorkloads.Placement.Placed.class);
        assertThat(workloads.placeJob("edge/h1", JobSpec.newBuilder().setContainer(spec("uid-k", "web", "app:1")).build()))
                .as("a job cannot take a container's name").isEqualTo(new HostWorkloads.Placement.NameTaken("uid-a"));

        DesiredState snapshot = book.current("edge/h1").orElseThrow();
        assertThat(snapshot.getContainersList()).extracting(c -> c.getWorkload().getUid()).containsExactly("uid-a");
        assertThat(snapshot.getJobsList()).containsExactly(job);
        assertThat(workloads.remove("uid-j")).isPresent();
        assertThat(book.current("edge/h1").orElseThrow().getJobsList()).isEmpty();
    }

    @Test
    void movingAWorkloadTakesItOffTheOldHost() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        workloads.place("edge/h2", spec("uid-a", "web", "nginx:1"));

        assertThat(book.current("edge/h1").map(DesiredState::getContainersCount)).contains(0);
        assertThat(workloads.hostOf("uid-a")).contains("edge/h2");
        assertThat(workloads.concerns("edge/h1", "uid-a")).as("still reporting its removal").isTrue();
    }

    @Test
    void aRemovalIsRememberedUntilForgotten() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));

        HostWorkloads.Removal removal = workloads.remove("uid-a").orElseThrow();

        assertThat(removal).isEqualTo(new HostWorkloads.Removal("edge/h1", 2, ref("uid-a")));
        assertThat(workloads.remove("uid-a")).contains(removal);
        assertThat(workloads.concerns("edge/h1", "uid-a")).isTrue();
        workloads.forgetRemoval("uid-a");
        assertThat(workloads.concerns("edge/h1", "uid-a")).isFalse();
        assertThat(workloads.remove("uid-a")).isEmpty();
    }

    @Test
    void aWorkloadThatCannotBeResolvedIsRetainedNotRemovedUntilItIsPlacedOrDeleted() {
        workloads.retain("edge/h1", ref("uid-a"));
        assertThat(book.current("edge/h1").orElseThrow().getRetainedWorkloadUidsList()).containsExactly("uid-a");

        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        assertThat(book.current("edge/h1").orElseThrow().getRetainedWorkloadUidsList()).isEmpty();

        workloads.retain("edge/h1", ref("uid-a"));
        assertThat(book.current("edge/h1").orElseThrow().getRetainedWorkloadUidsList())
                .as("a placed workload keeps its last valid spec instead").isEmpty();

        workloads.retain("edge/h1", ref("uid-b"));
        workloads.remove("uid-b");
        assertThat(book.current("edge/h1").orElseThrow().getRetainedWorkloadUidsList()).isEmpty();
    }

    @Test
    void aWorkloadsRevisionMovesOnlyWhenItsOwnSpecChanges() {
        var first = (HostWorkloads.Placement.Placed) workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        workloads.place("edge/h1", spec("uid-b", "db", "postgres:16"));
        var again = (HostWorkloads.Placement.Placed) workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        assertThat(again.revision()).isEqualTo(first.revision());
        var changed = (HostWorkloads.Placement.Placed) workloads.place("edge/h1", spec("uid-a", "web", "nginx:2"));
        assertThat(changed.revision()).isGreaterThan(first.revision());
        assertThat(workloads.placedSince("uid-a")).as("since it came to the host, whatever edits followed")
                .contains(first.revision());
        workloads.remove("uid-a");
        assertThat(workloads.placedSince("uid-a")).isEmpty();
    }

    @Test
    void aDeletionTheHubDidNotSeeStartWaitsForTheHostsCurrentRevision() {
        workloads.place("edge/h1", spec("uid-b", "db", "postgres:16"));
        assertThat(workloads.expectRemoval("edge/h1", ref("uid-x")))
                .isEqualTo(new HostWorkloads.Removal("edge/h1", 1, ref("uid-x")));
        assertThat(workloads.concerns("edge/h1", "uid-x")).isTrue();
    }

    @Test
    void aHostsReportsNameWorkloadsAsTheHubPlacedRetainedOrRemovesThem() {
        workloads.place("edge/h1", spec("uid-a", "web", "nginx:1"));
        workloads.retain("edge/h1", ref("uid-r"));
        workloads.place("edge/h1", spec("uid-m", "moved", "nginx:1"));
        workloads.place("edge/h2", spec("uid-m", "moved", "nginx:1"));

        assertThat(workloads.reference("edge/h1", "uid-a")).contains(ref("uid-a"));
        assertThat(workloads.reference("edge/h1", "uid-r")).contains(ref("uid-r"));
        assertThat(workloads.reference("edge/h1", "uid-m")).as("being removed there").contains(ref("uid-m"));
        assertThat(workloads.reference("edge/h2", "uid-m")).contains(ref("uid-m"));
        assertThat(workloads.reference("edge/h2", "uid-a")).as("placed on another host").isEmpty();
        assertThat(workloads.reference("edge/h1", "uid-unknown")).isEmpty();
    }

    private static ContainerSpec spec(String uid, String name, String image) {
        return ContainerSpec.newBuilder().setWorkload(ref(uid)).setContainerName(name).setImage(image).build();
    }

    private static WorkloadRef ref(String uid) {
        return WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace("apps").setName("name-of-" + uid)
                .setUid(uid).build();
    }
}
