package io.kdop.engine.status;

import static io.kdop.engine.plan.Specs.desired;
import static io.kdop.engine.plan.Specs.full;
import static io.kdop.engine.plan.Specs.observed;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.plan.WorkloadPlan.Action;
import io.kdop.proto.v1.RestartPolicy;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusComposerTest {

    private static final DesiredContainer WEB = desired(full("web"));

    private static WorkloadPlan plan(Action action, String detail) {
        return new WorkloadPlan(WEB.workload(), WEB, null, action, List.of(), detail);
    }

    @Test
    void reportsARunningContainer() {
        ObservedContainer running = observed(WEB, "running");
        WorkloadStatus status = StatusComposer.desired(plan(Action.NONE, "as desired"), Optional.of(running),
                Optional.empty(), 2, 9);
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getWorkload()).isEqualTo(WEB.workload());
        assertThat(status.getContainerId()).isEqualTo(running.id());
        assertThat(status.getIpv4()).isEqualTo("172.17.0.2");
        assertThat(status.getStartedAt()).isEqualTo("2030-01-01T00:00:00.000000001Z");
        assertThat(status.getRestartCount()).as("Docker's 0 plus the agent's 2").isEqualTo(2);
        assertThat(status.getObservedRevision()).isEqualTo(9);
        assertThat(status.getReason()).isEmpty();
    }

    @Test
    void reportsAnExitedContainerWithItsExitCode() {
        DesiredContainer once = desired(full("job").setRestartPolicy(RestartPolicy.RESTART_NO));
        WorkloadStatus status = StatusComposer.desired(new WorkloadPlan(once.workload(), once, null, Action.NONE,
                List.of(), ""), Optional.of(observed(once, "exited")), Optional.empty(), 0, 1);
        assertThat(status.getPhase()).isEqualTo("Exited");
        assertThat(status.getExitCode()).isEqualTo(1);
        assertThat(status.getMessage()).isEqualTo("exited with code 1");
    }

    @Test
    void reportsConflictsAndFailuresWithTheirReason() {
        WorkloadStatus conflict = StatusComposer.desired(plan(Action.CONFLICT, "a container named web that kdop did not"
                + " create holds the name; it is left alone"), Optional.empty(), Optional.empty(), 0, 1);
        assertThat(conflict.getPhase()).isEqualTo("Failed");
        assertThat(conflict.getReason()).isEqualTo("NameConflict");
        assertThat(conflict.getMessage()).contains("kdop did not create").contains("left alone");
        assertThat(conflict.getContainerId()).isEmpty();

        FailureTracker.Failure pull = new FailureTracker.Failure(Reason.ImagePullFailed, "cannot pull image x: denied",
                WEB.attemptKey(), 2, Instant.parse("2030-01-01T00:00:10Z"));
        WorkloadStatus failed = StatusComposer.desired(plan(Action.CREATE, "no container"), Optional.empty(),
                Optional.of(pull), 0, 1);
        assertThat(failed.getPhase()).isEqualTo("Failed");
        assertThat(failed.getReason()).isEqualTo("ImagePullFailed");
        assertThat(failed.getMessage()).isEqualTo("cannot pull image x: denied (attempt 2; next at 2030-01-01T00:00:10Z)");
    }

    @Test
    void reportsPendingBeforeAnything() {
        WorkloadStatus status = StatusComposer.desired(plan(Action.CREATE, "no container"), Optional.empty(),
                Optional.empty(), 0, 1);
        assertThat(status.getPhase()).isEqualTo("Pending");
    }
}
