package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostDeletionTest {

    private static final Duration JUST_DELETED = Duration.ofSeconds(1);
    private static final Duration SETTLED = HostDeletion.SETTLE.plusSeconds(1);

    @Test
    void waitsForRemovalsUnderWayWhileTheAgentCanStillCarryThemOut() {
        assertThat(new HostDeletion(true, false, true, false, JUST_DELETED).waits()).isTrue();
    }

    @Test
    void waitsForTheWorkloadsOfItsNamespaceWhenTheWholeNamespaceIsBeingDeleted() {
        assertThat(new HostDeletion(true, true, false, true, JUST_DELETED).waits()).isTrue();
    }

    @Test
    void waitsAMomentForWorkloadsDeletedJustAfterIt() {
        // kubectl delete -f: the host first, its containers a few milliseconds later
        assertThat(new HostDeletion(true, false, false, true, JUST_DELETED).waits()).isTrue();
        assertThat(new HostDeletion(true, false, false, true, SETTLED).waits()).isFalse();
        // a host that runs nothing of its namespace has nothing to wait for
        assertThat(new HostDeletion(true, false, false, false, JUST_DELETED).waits()).isFalse();
    }

    @Test
    void doesNotWaitForWorkloadsThatStay() {
        // only the host is deleted: its workloads are not being deleted, nothing to wait for
        assertThat(new HostDeletion(true, false, false, true, SETTLED).waits()).isFalse();
        // the namespace goes, but the host runs nothing from it (its workloads live elsewhere)
        assertThat(new HostDeletion(true, true, false, false, JUST_DELETED).waits()).isFalse();
    }

    @Test
    void doesNotWaitForAnAgentThatIsNotThere() {
        assertThat(new HostDeletion(false, true, true, true, JUST_DELETED).waits()).isFalse();
    }

    @Test
    void waitsNoLongerThanTheDrainLimit() {
        assertThat(new HostDeletion(true, true, true, true, HostDeletion.DRAIN_LIMIT.minusSeconds(1)).waits()).isTrue();
        assertThat(new HostDeletion(true, true, true, true, HostDeletion.DRAIN_LIMIT).waits()).isFalse();
    }
}
