package io.kdop.hub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.kdop.hub.api.deployment.DeploymentStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The rollout decisions, replayed pass after pass the way the controller applies them. */
class RolloutPlanTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Instant LONG_AGO = NOW.minusSeconds(3600);
    private static final List<HostOption> AB = List.of(HostOption.connected("a"), HostOption.connected("b"));

    @Test
    void placesFourReplicasTwoAndTwoAndScalesUpAndDownKeepingTheSpread() {
        Fleet fleet = new Fleet(AB);
        fleet.settle("v1", 4, limits(1, 1), r -> true);
        assertThat(Placement.load(fleet.replicas)).isEqualTo(Map.of("a", 2, "b", 2));

        fleet.settle("v1", 6, limits(1, 1), r -> true);
        assertThat(Placement.load(fleet.replicas)).isEqualTo(Map.of("a", 3, "b", 3));

        fleet.settle("v1", 2, limits(1, 1), r -> true);
        assertThat(Placement.load(fleet.replicas)).as("scaling down keeps one per host").isEqualTo(Map.of("a", 1, "b", 1));

        fleet.settle("v1", 1, limits(1, 1), r -> true);
        assertThat(fleet.replicas).hasSize(1);
    }

    @Test
    void aRollingUpdateNeverLeavesFewerThanReplicasMinusMaxUnavailableAvailable() {
        Fleet fleet = new Fleet(AB);
        fleet.settle("v1", 4, limits(1, 1), r -> true);
        List<Integer> availableAtEachPass = fleet.settle("v2", 4, limits(1, 1), r -> true);
        assertThat(availableAtEachPass).allMatch(n -> n >= 3);
        assertThat(fleet.replicas).hasSize(4).allMatch(r -> r.revision().equals("v2"));
        assertThat(Placement.load(fleet.replicas)).as("spread as before").isEqualTo(Map.of("a", 2, "b", 2));

        // maxSurge 0: one old goes before each new one comes
        List<Integer> noSurge = fleet.settle("v3", 4, limits(1, 0), r -> true);
        assertThat(noSurge).allMatch(n -> n >= 3);
        assertThat(fleet.maxSeen).as("never above spec.replicas + maxSurge").isLessThanOrEqualTo(5);
        assertThat(fleet.replicas).allMatch(r -> r.revision().equals("v3"));
        assertThat(Placement.load(fleet.replicas)).isEqualTo(Map.of("a", 2, "b", 2));

        // one pass at a time with the new replicas ready only every other pass: still spread at the end
        Fleet slow = new Fleet(AB);
        slow.settle("v1", 4, limits(1, 1), r -> true);
        slow.settle("v2", 4, limits(1, 1), r -> r.name().hashCode() % 2 == 0);
        slow.settle("v2", 4, limits(1, 1), r -> true);
        assertThat(Placement.load(slow.replicas)).as(slow.replicas.toString()).isEqualTo(Map.of("a", 2, "b", 2));
    }

    @Test
    void maxPerHostDoesNotStopARolloutOnFullHosts() {
        Fleet fleet = new Fleet(AB);
        fleet.maxPerHost = Optional.of(1);
        fleet.settle("v1", 2, limits(0, 1), r -> true);
        assertThat(Placement.load(fleet.replicas)).isEqualTo(Map.of("a", 1, "b", 1));
        fleet.settle("v2", 2, limits(0, 1), r -> true);
        assertThat(fleet.replicas).hasSize(2).allMatch(r -> r.revision().equals("v2"));
        assertThat(Placement.load(fleet.replicas)).isEqualTo(Map.of("a", 1, "b", 1));
    }

    @Test
    void anUpdateWhoseNewReplicasNeverBecomeAvailableStopsWithTheOldOnesServing() {
        Fleet fleet = new Fleet(AB);
        fleet.settle("v1", 4, limits(1, 1), r -> true);
        List<Integer> available = fleet.settle("bad", 4, limits(1, 1), r -> !r.revision().equals("bad"));
        assertThat(available).allMatch(n -> n >= 3);
        assertThat(fleet.replicas.stream().filter(r -> r.revision().equals("v1"))).hasSize(3);
        assertThat(fleet.replicas.stream().filter(r -> r.revision().equals("bad"))).hasSize(2);

        // with maxUnavailable 0, not one old replica is touched
        Fleet careful = new Fleet(AB);
        careful.settle("v1", 4, limits(0, 1), r -> true);
        careful.settle("bad", 4, limits(0, 1), r -> !r.revision().equals("bad"));
        assertThat(careful.replicas.stream().filter(r -> r.revision().equals("v1"))).hasSize(4);

        // applying the old template again is a rollback: the bad ones go, the old ones stay
        List<Integer> back = fleet.settle("v1", 4, limits(1, 1), r -> !r.revision().equals("bad"));
        assertThat(back).allMatch(n -> n >= 3);
        assertThat(fleet.replicas).hasSize(4).allMatch(r -> r.revision().equals("v1"));
    }

    @Test
    void aNewReplicaCountsAsAvailableOnlyAfterMinReadySeconds() {
        Replica old = new Replica("d-v1-0", "v1", "a", false, Optional.of(LONG_AGO));
        Replica fresh = new Replica("d-v2-0", "v2", "a", false, Optional.of(NOW.minusSeconds(5)));
        RolloutPlan.Decision d = RolloutPlan.decide(new RolloutPlan.Input(1, "v2", limits(0, 1), Duration.ofSeconds(10),
                Optional.empty(), Optional.empty(), AB, List.of(old, fresh), NOW));
        assertThat(d.delete()).as("ready 5 s of the 10 required").isEmpty();
        d = RolloutPlan.decide(new RolloutPlan.Input(1, "v2", limits(0, 1), Duration.ofSeconds(5),
                Optional.empty(), Optional.empty(), AB, List.of(old, fresh), NOW));
        assertThat(d.delete()).containsExactly("d-v1-0");
    }

    @Test
    void recreateRemovesEveryOldReplicaBeforeStartingNewOnes() {
        RolloutLimits recreate = RolloutLimits.of(new DeploymentStrategy("Recreate", null), 2);
        List<Replica> old = List.of(new Replica("d-v1-0", "v1", "a", false, Optional.of(LONG_AGO)),
                new Replica("d-v1-1", "v1", "b", false, Optional.of(LONG_AGO)));
        RolloutPlan.Decision d = decide(2, "v2", recreate, AB, old, Optional.empty());
        assertThat(d.delete()).containsExactlyInAnyOrder("d-v1-0", "d-v1-1");
        assertThat(d.create()).isEmpty();

        List<Replica> terminating = List.of(new Replica("d-v1-0", "v1", "a", true, Optional.of(LONG_AGO)));
        assertThat(decide(2, "v2", recreate, AB, terminating, Optional.empty()).create())
                .as("an old container may still run").isEmpty();
        assertThat(decide(2, "v2", recreate, AB, List.of(), Optional.empty()).create()).hasSize(2);
    }

    @Test
    void failoverMovesReplicasOfAHostDisconnectedLongerThanTheTimeoutOnly() {
        List<HostOption> bDown = List.of(HostOption.connected("a"), HostOption.disconnected("b", NOW.minusSeconds(60)));
        List<Replica> spread = List.of(new Replica("d-v1-0", "v1", "a", false, Optional.of(LONG_AGO)),
                new Replica("d-v1-1", "v1", "b", false, Optional.empty()));

        RolloutPlan.Decision off = decide(2, "v1", limits(1, 1), bDown, spread, Optional.empty());
        assertThat(off.delete()).as("without failover nothing moves").isEmpty();
        assertThat(off.create()).isEmpty();

        RolloutPlan.Decision early = decide(2, "v1", limits(1, 1), bDown, spread, Optional.of(Duration.ofSeconds(90)));
        assertThat(early.delete()).as("disconnected 60 s of 90").isEmpty();

        RolloutPlan.Decision moved = decide(2, "v1", limits(1, 1), bDown, spread, Optional.of(Duration.ofSeconds(30)));
        assertThat(moved.delete()).containsExactly("d-v1-1");
        assertThat(moved.failedOver()).containsExactly("d-v1-1");
        assertThat(moved.create()).containsExactly("a");

        // the moved replica is still being deleted (its host will remove it when it returns): not replaced twice
        List<Replica> after = List.of(spread.get(0), new Replica("d-v1-1", "v1", "b", true, Optional.empty()),
                new Replica("d-v1-2", "v1", "a", false, Optional.of(NOW)));
        RolloutPlan.Decision steady = decide(2, "v1", limits(1, 1), bDown, after, Optional.of(Duration.ofSeconds(30)));
        assertThat(steady.delete()).isEmpty();
        assertThat(steady.create()).isEmpty();

        List<HostOption> allDown = List.of(HostOption.disconnected("a", NOW.minusSeconds(60)),
                HostOption.disconnected("b", NOW.minusSeconds(60)));
        assertThat(decide(2, "v1", limits(1, 1), allDown, spread, Optional.of(Duration.ofSeconds(30))).delete())
                .as("no host to go to: keep what runs").isEmpty();
    }

    @Test
    void replicasThatFitNowhereAreCountedAsUnplaced() {
        RolloutPlan.Decision d = RolloutPlan.decide(new RolloutPlan.Input(5, "v1", limits(1, 1), Duration.ZERO,
                Optional.empty(), Optional.of(2), AB, List.of(), NOW));
        assertThat(d.create()).hasSize(4);
        assertThat(d.unplaced()).isEqualTo(1);
    }

    private static RolloutPlan.Decision decide(int desired, String revision, RolloutLimits limits, List<HostOption> hosts,
            List<Replica> replicas, Optional<Duration> failover) {
        return RolloutPlan.decide(new RolloutPlan.Input(desired, revision, limits, Duration.ZERO, failover,
                Optional.empty(), hosts, replicas, NOW));
    }

    private static RolloutLimits limits(int maxUnavailable, int maxSurge) {
        return RolloutLimits.of(new DeploymentStrategy("RollingUpdate", new DeploymentStrategy.RollingUpdate(
                new IntOrString(maxUnavailable), new IntOrString(maxSurge))), 4);
    }

    /** Replicas as the controller would see them, after each pass is applied at once. */
    private static final class Fleet {
        final List<HostOption> hosts;
        List<Replica> replicas = new ArrayList<>();
        int serial;
        int maxSeen;
        Optional<Integer> maxPerHost = Optional.empty();

        Fleet(List<HostOption> hosts) {
            this.hosts = hosts;
        }

        /** Passes until nothing changes; the replicas available before each pass. */
        List<Integer> settle(String revision, int desired, RolloutLimits limits, Predicate<Replica> becomesReady) {
            List<Integer> available = new ArrayList<>();
            for (int pass = 0; pass < 50; pass++) {
                // replicas created by the last pass are ready by now, or never will be
                replicas = replicas.stream().map(r -> r.ready() || !becomesReady.test(r) ? r
                        : new Replica(r.name(), r.revision(), r.host(), false, Optional.of(LONG_AGO))).toList();
                available.add((int) replicas.stream().filter(r -> r.available(Duration.ZERO, NOW)).count());
                RolloutPlan.Decision d = RolloutPlan.decide(new RolloutPlan.Input(desired, revision, limits,
                        Duration.ZERO, Optional.empty(), maxPerHost, hosts, replicas, NOW));
                if (d.delete().isEmpty() && d.create().isEmpty()) {
                    return available;
                }
                List<Replica> next = new ArrayList<>(replicas.stream().filter(r -> !d.delete().contains(r.name())).toList());
                for (String host : d.create()) {
                    next.add(new Replica("d-" + revision + "-" + serial++, revision, host, false, Optional.empty()));
                }
                replicas = next;
                maxSeen = Math.max(maxSeen, next.size());
            }
            throw new AssertionError("no steady state after 50 passes: " + replicas);
        }
    }
}
