package io.kdop.engine.job;

import static io.kdop.engine.job.Jobs.T0;
import static io.kdop.engine.job.Jobs.container;
import static io.kdop.engine.job.Jobs.exited;
import static io.kdop.engine.job.Jobs.job;
import static io.kdop.engine.job.Jobs.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.job.JobAction.Hold;
import io.kdop.engine.plan.Reason;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobStatusesTest {

    private final JobSpec spec = job("report", "exit 3").setTtlSecondsAfterFinished(60).build();

    @Test
    void aRunningAttempt() {
        JobRecord r = JobRecord.begin(spec, T0).starting(1, "", "").running("c1");
        JobContainer c = container(spec, "c1", 1, running(T0.plusSeconds(1)));
        WorkloadStatus s = JobStatuses.of(spec, r, Optional.of(c), true, Optional.empty(), null, 7);
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(s.getContainerId()).isEqualTo("c1");
        assertThat(s.getStartedAt()).isEqualTo("2030-01-01T00:00:01Z");
        assertThat(s.getObservedRevision()).isEqualTo(7);
        assertThat(s.getJob().getAttempts()).isEqualTo(1);
        assertThat(s.getJob().getStartTime()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(s.getJob().getCompletionTime()).isEmpty();
        assertThat(s.getJob().hasExitCode()).isFalse();
        assertThat(s.getJob().getSpecDigest()).isEqualTo(spec.getSpecDigest());
    }

    @Test
    void anAttemptRecordedAsStartingIsNotCountedBeforeItRuns() {
        JobRecord starting = JobRecord.begin(spec, T0).starting(2, "", "");
        WorkloadStatus s = JobStatuses.of(spec, starting, Optional.empty(), true, Optional.empty(), null, 1);
        assertThat(s.getJob().getAttempts()).as("the hub keeps the highest count: only attempts that ran")
                .isEqualTo(1);
        assertThat(s.getMessage()).contains("starting attempt 2 of");
    }

    @Test
    void aFailedJobWithItsReasonAndExitCode() {
        JobRecord r = JobRecord.begin(spec, T0).starting(3, "", "").running("c3")
                .finish(JobRecord.State.FAILED, 3, T0.plusSeconds(50), "BackoffLimitExceeded", "attempt 3 of 3 ...", "");
        JobContainer c = container(spec, "c3", 3, exited(T0.plusSeconds(40), T0.plusSeconds(50), 3));
        WorkloadStatus s = JobStatuses.of(spec, r, Optional.of(c), true, Optional.empty(), null, 1);
        assertThat(s.getPhase()).isEqualTo("Failed");
        assertThat(s.getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(s.getExitCode()).isEqualTo(3);
        assertThat(s.getJob().getExitCode()).isEqualTo(3);
        assertThat(s.getJob().getCompletionTime()).isEqualTo("2030-01-01T00:00:50Z");
        assertThat(s.getJob().getContainerRemoved()).isFalse();

        WorkloadStatus removed = JobStatuses.of(spec, r, Optional.empty(), true, Optional.empty(), null, 1);
        assertThat(removed.getJob().getContainerRemoved()).isTrue();
        WorkloadStatus unknown = JobStatuses.of(spec, r, Optional.empty(), false, Optional.empty(), null, 1);
        assertThat(unknown.getJob().getContainerRemoved()).as("Docker unread: nothing concluded").isFalse();
    }

    @Test
    void whatHoldsAJobUpKeepsItPending() {
        WorkloadStatus held = JobStatuses.of(spec, null, Optional.empty(), true, Optional.empty(),
                new Hold(Reason.NameConflict, "a container named job-report ..."), 1);
        assertThat(held.getPhase()).isEqualTo("Pending");
        assertThat(held.getReason()).isEqualTo("NameConflict");
        assertThat(held.hasJob()).isTrue();

        JobRecord pending = JobRecord.begin(spec, T0);
        FailureTracker.Failure pull = new FailureTracker.Failure(Reason.ImagePullFailed, "cannot pull image x: denied",
                "k", 2, T0.plusSeconds(10));
        WorkloadStatus pulling = JobStatuses.of(spec, pending, Optional.empty(), true, Optional.of(pull), null, 1);
        assertThat(pulling.getPhase()).isEqualTo("Pending");
        assertThat(pulling.getReason()).isEqualTo("ImagePullFailed");
        assertThat(pulling.getMessage()).startsWith("cannot pull image x: denied").contains("not counted as an attempt");
        assertThat(pulling.getJob().getAttempts()).isZero();
        assertThat(pulling.getJob().getStartTime()).as("the deadline runs").isNotEmpty();
    }
}
