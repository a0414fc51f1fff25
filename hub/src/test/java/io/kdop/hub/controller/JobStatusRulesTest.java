package io.kdop.hub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.job.DockerJobStatus;
import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.JobProgress;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobStatusRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final String DIGEST = "d1";
    private static final JobProgress STARTED = JobProgress.newBuilder().setAttempts(1)
            .setStartTime("2026-11-21T11:59:00Z").setSpecDigest(DIGEST).build();

    @Test
    void aRunningJobShowsItsAttemptAndContainer() {
        DockerJobStatus s = compute(Optional.of(report("Running", "", "", STARTED)), null);

        assertThat(s.phase()).isEqualTo("Running");
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.startTime()).isEqualTo("2026-11-21T11:59:00Z");
        assertThat(s.containerID()).isEqualTo("c0ffee");
        assertThat(s.exitCode()).isNull();
        assertThat(condition(s, "Accepted")).isEqualTo("True/Accepted");
        assertThat(Conditions.find(s.conditions(), "Complete")).isEmpty();
    }

    @Test
    void successSetsCompleteWithTheExitCodeAndCompletionTime() {
        JobProgress done = STARTED.toBuilder().setExitCode(0).setCompletionTime("2026-11-21T11:59:30Z").build();

        DockerJobStatus s = compute(Optional.of(report("Succeeded", "", "", done)), null);

        assertThat(s.phase()).isEqualTo("Succeeded");
        assertThat(s.exitCode()).isZero();
        assertThat(s.completionTime()).isEqualTo("2026-11-21T11:59:30Z");
        assertThat(condition(s, "Complete")).isEqualTo("True/Succeeded");
    }

    @Test
    void failureSetsFailedWithTheAgentsReasonAndTheOutputTail() {
        JobProgress done = STARTED.toBuilder().setAttempts(3).setExitCode(3).setCompletionTime("2026-11-21T11:59:30Z")
                .build();
        String message = "attempt 3 of 3 exited with code 3; backoffLimit 2 reached. Last output:\nno database";

        DockerJobStatus s = compute(Optional.of(report("Failed", "BackoffLimitExceeded", message, done)), null);

        assertThat(s.phase()).isEqualTo("Failed");
        assertThat(s.exitCode()).isEqualTo(3);
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.message()).endsWith("no database");
        assertThat(s.reason()).isEqualTo("BackoffLimitExceeded");
        assertThat(condition(s, "Failed")).isEqualTo("True/BackoffLimitExceeded");
        assertThat(Conditions.find(s.conditions(), "Failed").orElseThrow().getMessage()).endsWith("no database");
    }

    @Test
    void anEditAfterTheStartIsNotAccepted() {
        DockerJobStatus s = JobStatusRules.compute(facts(Optional.empty(), Optional.of(report("Running", "", "", STARTED)),
                null, "Connected", "d2-edited"), NOW);

        assertThat(s.phase()).isEqualTo("Running");
        assertThat(condition(s, "Accepted")).isEqualTo("False/SpecImmutable");
        assertThat(Conditions.find(s.conditions(), "Accepted").orElseThrow().getMessage())
                .contains("changed after the job started", "delete the DockerJob and create it again");
    }

    @Test
    void anEditBeforeTheStartIsJustANewSpec() {
        JobProgress notStarted = JobProgress.newBuilder().setSpecDigest("old").build();

        DockerJobStatus s = JobStatusRules.compute(facts(Optional.empty(), Optional.of(report("Pending", "", "", notStarted)),
                null, "Connected", DIGEST), NOW);

        assertThat(condition(s, "Accepted")).isEqualTo("True/Accepted");
    }

    @Test
    void anInvalidSpecKeepsTheJobPendingWithTheProblem() {
        DockerJobStatus s = JobStatusRules.compute(facts(Optional.of(SpecProblem.of("SecretNotFound",
                "spec.envVars X: Secret db does not exist")), Optional.empty(), null, "Connected", DIGEST), NOW);

        assertThat(s.phase()).isEqualTo("Pending");
        assertThat(s.message()).isEqualTo("spec.envVars X: Secret db does not exist");
        assertThat(condition(s, "Accepted")).isEqualTo("False/SecretNotFound");
    }

    @Test
    void aFinalPhaseIsNeverTakenBack() {
        JobProgress done = STARTED.toBuilder().setExitCode(0).setCompletionTime("2026-11-21T11:59:30Z").build();
        DockerJobStatus succeeded = compute(Optional.of(report("Succeeded", "", "", done)), null);

        DockerJobStatus afterHubRestart = compute(Optional.empty(), succeeded);
        DockerJobStatus hostDisconnected = JobStatusRules.compute(facts(Optional.empty(), Optional.empty(), succeeded,
                "Disconnected", DIGEST), NOW);
        DockerJobStatus oddReport = compute(Optional.of(report("Pending", "", "", done)), succeeded);

        assertThat(afterHubRestart).isEqualTo(succeeded);
        assertThat(hostDisconnected.phase()).isEqualTo("Succeeded");
        assertThat(oddReport.phase()).isEqualTo("Succeeded");
    }

    @Test
    void aFinalStatusKeepsEverythingTheAgentOnceReported() {
        JobProgress done = STARTED.toBuilder().setAttempts(3).setExitCode(3).setCompletionTime("2026-11-21T11:59:30Z")
                .build();
        DockerJobStatus failed = compute(Optional.of(report("Failed", "BackoffLimitExceeded", "exit 3; tail", done)), null);
        // an agent that lost its state knows only what the hub told it
        JobProgress amnesic = JobProgress.newBuilder().setCompletionTime("2026-11-21T11:59:30Z")
                .setContainerRemoved(true).build();

        DockerJobStatus s = compute(Optional.of(report("Failed", "RecordLost", "no record", amnesic)), failed);

        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.exitCode()).isEqualTo(3);
        assertThat(s.startTime()).isEqualTo(failed.startTime());
        assertThat(s.reason()).isEqualTo("BackoffLimitExceeded");
        assertThat(s.message()).isEqualTo("exit 3; tail");
        assertThat(s.specDigest()).isEqualTo(DIGEST);
        assertThat(s.containerRemoved()).as("the removal still shows").isTrue();
    }

    @Test
    void anEditAfterTheStartStaysRefusedWhenNoReportIsThere() {
        DockerJobStatus running = compute(Optional.of(report("Running", "", "", STARTED)), null);

        DockerJobStatus afterRestart = JobStatusRules.compute(facts(Optional.empty(), Optional.empty(), running,
                "Connected", "d2-edited"), NOW);

        assertThat(afterRestart.phase()).isEqualTo("Running");
        assertThat(condition(afterRestart, "Accepted")).isEqualTo("False/SpecImmutable");
    }

    @Test
    void aStartedJobWhoseHostWasDeletedFailsForGoodInsteadOfRunningForever() {
        DockerJobStatus running = compute(Optional.of(report("Running", "", "", STARTED)), null);

        DockerJobStatus s = JobStatusRules.compute(new JobStatusRules.Facts(1, "edge/h1", false, null, Optional.empty(),
                DIGEST, Optional.empty(), running), NOW);

        assertThat(s.phase()).isEqualTo("Failed");
        assertThat(s.finished()).isTrue();
        assertThat(s.reason()).isEqualTo("HostDeleted");
        assertThat(s.completionTime()).isNotNull();
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(condition(s, "Failed")).isEqualTo("True/HostDeleted");
        assertThat(s.message()).contains("was deleted", "not run again");
    }

    @Test
    void aDisconnectedHostKeepsAStartedJobsPhaseAndSaysWhy() {
        DockerJobStatus running = compute(Optional.of(report("Running", "", "", STARTED)), null);

        DockerJobStatus s = JobStatusRules.compute(facts(Optional.empty(), Optional.empty(), running, "Disconnected",
                DIGEST), NOW);

        assertThat(s.phase()).isEqualTo("Running");
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.message()).contains("is Disconnected", "runs the job on its own");
    }

    @Test
    void aMissingHostIsNamed() {
        DockerJobStatus s = JobStatusRules.compute(new JobStatusRules.Facts(1, "edge/nope", false, null, Optional.empty(),
                DIGEST, Optional.empty(), null), NOW);

        assertThat(s.phase()).isEqualTo("Pending");
        assertThat(condition(s, "Accepted")).isEqualTo("False/HostNotFound");
        assertThat(s.message()).contains("DockerHost edge/nope does not exist");
    }

    @Test
    void withoutAReportTheJobWaitsForTheAgent() {
        DockerJobStatus s = compute(Optional.empty(), null);

        assertThat(s.phase()).isEqualTo("Pending");
        assertThat(s.message()).contains("waiting for the agent's report");
    }

    private static DockerJobStatus compute(Optional<WorkloadStatus> reported, DockerJobStatus previous) {
        return JobStatusRules.compute(facts(Optional.empty(), reported, previous, "Connected", DIGEST), NOW);
    }

    private static JobStatusRules.Facts facts(Optional<SpecProblem> problem, Optional<WorkloadStatus> reported,
            DockerJobStatus previous, String hostPhase, String digest) {
        return new JobStatusRules.Facts(1, "edge/h1", true, hostPhase, problem, digest, reported, previous);
    }

    private static WorkloadStatus report(String phase, String reason, String message, JobProgress progress) {
        return WorkloadStatus.newBuilder().setPhase(phase).setReason(reason).setMessage(message).setContainerId("c0ffee")
                .setObservedRevision(3).setJob(progress).build();
    }

    private static String condition(DockerJobStatus s, String type) {
        return Conditions.find(s.conditions(), type).map(c -> c.getStatus() + "/" + c.getReason()).orElse("none");
    }
}
