package io.kdop.engine.job;

import static io.kdop.engine.job.Jobs.T0;
import static io.kdop.engine.job.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.JobSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Deadlines and clean-up times from seconds the hub does not bound (found by DesiredStateFuzzTest). */
class JobRecordTest {

    @Test
    void aDeadlinePastTheEndOfTimeIsNoDeadline() {
        JobSpec spec = job("far", "true").setActiveDeadlineSeconds(Long.MAX_VALUE).build();
        assertThat(JobRecord.begin(spec, T0).deadline()).isEmpty();
        assertThat(Jobs.RULES.decide(Jobs.input(spec, JobRecord.begin(spec, T0), T0)))
                .isInstanceOf(JobAction.StartAttempt.class);
    }

    @Test
    void aCleanUpPastTheEndOfTimeNeverComes() {
        JobSpec spec = job("kept", "true").setTtlSecondsAfterFinished(Long.MAX_VALUE).build();
        JobRecord done = JobRecord.begin(spec, T0).finish(JobRecord.State.SUCCEEDED, 0, T0, "Completed", "", "");
        assertThat(done.removalTime()).isEmpty();
        assertThat(Jobs.RULES.decide(Jobs.input(spec, done, T0))).isInstanceOf(JobAction.Wait.class);
    }

    @Test
    void aDeadlineWithinTimeIsKept() {
        JobSpec spec = job("near", "true").setActiveDeadlineSeconds(600).build();
        assertThat(JobRecord.begin(spec, T0).deadline()).contains(T0.plus(Duration.ofMinutes(10)));
    }
}
