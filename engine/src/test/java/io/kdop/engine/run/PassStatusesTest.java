package io.kdop.engine.run;

import static io.kdop.engine.plan.Specs.desired;
import static io.kdop.engine.plan.Specs.full;
import static io.kdop.engine.plan.Specs.minimal;
import static io.kdop.engine.plan.Specs.observed;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.Phase;
import io.kdop.engine.plan.Planner;
import io.kdop.engine.plan.Specs;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.status.RestartLedger;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.StatusReport;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a pass reports, without Docker: the statuses are composed from plans and observations alone. */
class PassStatusesTest {

    private final List<StatusReport> sent = new ArrayList<>();
    private final PassStatuses statuses = new PassStatuses(sent::add);
    private final FailureTracker failures = new FailureTracker(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    @Test
    void withoutDockerNothingIsClaimedAsAppliedAndNeverSeenWorkloadsWait() {
        DesiredContainer web = desired(full("web"));
        JobSpec job = JobSpec.newBuilder().setContainer(minimal("once").build()).build();
        statuses.dockerDown("connection refused", List.of(web), List.of(job), j -> Optional.empty(), 7);

        StatusReport report = sent.getLast();
        assertThat(report.getObservedRevision()).as("no pass applied anything yet").isZero();
        assertThat(report.getWorkloadsList()).extracting(WorkloadStatus::getPhase, WorkloadStatus::getMessage)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("Pending", "waiting for Docker: connection refused"));
        assertThat(report.getWorkloadsList().stream().filter(WorkloadStatus::hasJob)).hasSize(1);
    }

    @Test
    void aPassReportsWhatItAppliedAndDockerGoingAwayKeepsIt() {
        DesiredContainer web = desired(full("web"));
        List<WorkloadPlan> plans = Planner.plan(List.of(web), Specs.observedState(List.of(), Map.of()), Set.of());
        statuses.passApplied(plans, List.of(observed(web, "running")), failures, new RestartLedger(), List.of(), 5);
        assertThat(sent.getLast().getObservedRevision()).isEqualTo(5);
        WorkloadStatus running = sent.getLast().getWorkloads(0);
        assertThat(running.getPhase()).isEqualTo(Phase.Running.name());

        statuses.dockerDown("gone", List.of(web), List.of(), j -> Optional.empty(), 6);
        assertThat(sent.getLast().getObservedRevision()).as("the revision the last complete pass applied").isEqualTo(5);
        assertThat(sent.getLast().getWorkloadsList()).containsExactly(running);
    }

    @Test
    void aPullUnderWayShowsUntilThePassEndsAndNotInTheNextPass() {
        DesiredContainer web = desired(full("web"));
        List<WorkloadPlan> plans = Planner.plan(List.of(web), Specs.observedState(List.of(), Map.of()), Set.of());
        statuses.pulling(plans.getFirst(), "pulling image kdop-test/busybox:1 since then", 3);
        assertThat(sent.getLast().getWorkloads(0).getPhase()).isEqualTo(Phase.Pulling.name());

        statuses.passApplied(plans, List.of(), failures, new RestartLedger(), List.of(), 3);
        assertThat(sent.getLast().getWorkloads(0).getMessage()).isEqualTo("pulling image kdop-test/busybox:1 since then");

        statuses.passBegins();
        statuses.passApplied(plans, List.of(), failures, new RestartLedger(), List.of(), 3);
        assertThat(sent.getLast().getWorkloads(0).getPhase()).isNotEqualTo(Phase.Pulling.name());
    }

    @Test
    void aUidBothContainerAndJobReportsTheContainersStatus() {
        DesiredContainer web = desired(full("web"));
        List<WorkloadPlan> plans = Planner.plan(List.of(web), Specs.observedState(List.of(), Map.of()), Set.of());
        WorkloadStatus job = WorkloadStatus.newBuilder().setWorkload(web.workload()).setPhase("Succeeded").build();
        statuses.passApplied(plans, List.of(observed(web, "running")), failures, new RestartLedger(), List.of(job), 1);
        assertThat(sent.getLast().getWorkloadsList()).singleElement()
                .extracting(WorkloadStatus::getPhase).isEqualTo(Phase.Running.name());
    }
}
