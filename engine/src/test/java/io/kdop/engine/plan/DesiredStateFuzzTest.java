package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.TextFormat;
import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.job.JobAction;
import io.kdop.engine.job.JobInput;
import io.kdop.engine.job.JobRecord;
import io.kdop.engine.job.JobRules;
import io.kdop.engine.secrets.SecretLayout;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.JobSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the checks the agent makes on the desired state a hub sends, before anything reaches
 * Docker or its disk: {@link SpecCheck}, {@link MountGuard}, the planner and
 * the job rules' first steps. A hub is trusted for identity, not for well-formed specs (an older
 * or newer hub, a bug): contract: a problem or none, never an exception, which would stop the
 * whole pass for every workload of the host. Seeds: DesiredStateFuzzTestInputs/desiredState, in
 * protobuf text format.
 */
class DesiredStateFuzzTest {

    /** A host policy that allows everything: these tests are about other rules. */
    private static final io.kdop.engine.plan.PolicyGate OPEN = new io.kdop.engine.plan.PolicyGate(
            new io.kdop.proto.policy.HostPolicy("edge", "h", java.util.List.of(io.kdop.proto.policy.HostPolicy.ANY_NAMESPACE),
                    java.util.Optional.of(java.util.List.of(new io.kdop.proto.policy.HostPolicy.PathRule("/", false))),
                    java.util.Optional.of(true), java.util.Optional.of(true)), p -> p);

    private static final String HOST_UID = "host-uid";
    private static final SecretLayout SECRETS = new SecretLayout(Path.of("/var/lib/kdop-agent/secrets"));
    private static final JobRules JOBS = new JobRules(HOST_UID, SECRETS, Specs.MOUNTS,
            new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(6)));
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "desired-state.dict")
    void desiredState(byte[] input) {
        DesiredState.Builder state = DesiredState.newBuilder();
        try {
            TextFormat.merge(new String(input, StandardCharsets.UTF_8), state);
        } catch (TextFormat.ParseException e) {
            return; // not a message: the gRPC layer never hands such bytes to the agent
        }
        List<DesiredContainer> desired = state.getContainersList().stream()
                .map(spec -> DesiredContainer.of(spec, HOST_UID, SECRETS, Specs.MOUNTS))
                .toList();
        for (DesiredContainer d : desired) {
            Optional<String> problem = SpecCheck.problem(d.spec()).or(d::mountProblem);
            problem.ifPresentOrElse(p -> assertThat(p).isNotBlank(), () -> assertRunnable(d));
        }
        List<WorkloadPlan> plans = Planner.plan(desired, ObservedState.EMPTY,
                Set.copyOf(state.getRetainedWorkloadUidsList()));
        assertThat(plans).hasSize(desired.size());
        for (WorkloadPlan plan : plans) {
            if (SpecCheck.problem(plan.desired().spec()).isPresent()) {
                assertThat(plan.action()).isEqualTo(WorkloadPlan.Action.INVALID);
            } else if (plan.desired().mountProblem().isPresent()) {
                assertThat(plan.action()).isEqualTo(WorkloadPlan.Action.HOST_PATH_REFUSED);
            }
        }
        state.getJobsList().forEach(DesiredStateFuzzTest::firstSteps);
    }

    /** A seed that does not parse would test nothing: each must be a DesiredState. */
    @Test
    void everySeedIsADesiredState() throws IOException, URISyntaxException {
        Path seeds = Path.of(DesiredStateFuzzTest.class.getResource("DesiredStateFuzzTestInputs/desiredState").toURI());
        try (Stream<Path> files = Files.list(seeds)) {
            List<Path> all = files.toList();
            assertThat(all).hasSizeGreaterThan(10);
            for (Path seed : all) {
                DesiredState.Builder state = DesiredState.newBuilder();
                // decoded as the target decodes its input (a seed the fuzzer wrote need not be UTF-8)
                TextFormat.merge(new String(Files.readAllBytes(seed), StandardCharsets.UTF_8), state);
                assertThat(seed.getFileName().toString().equals("empty.txtpb") || !state.build().equals(
                        DesiredState.getDefaultInstance())).as(seed.toString()).isTrue();
            }
        }
    }

    /** A spec the checks pass becomes a container Docker reads as intended, with its secrets in their place. */
    private static void assertRunnable(DesiredContainer d) {
        ContainerSpec spec = d.spec();
        // Docker splits a bind at its colons: host:container:mode
        d.config().binds().forEach(bind -> assertThat(bind.split(":", -1)).hasSize(3));
        for (int n = 0; n < spec.getSecretFilesCount(); n++) {
            Path dir = SECRETS.directory(spec.getWorkload().getUid(), n).normalize();
            assertThat(dir.startsWith(SECRETS.root()) && !dir.equals(SECRETS.root())).as(dir.toString()).isTrue();
        }
        if (d.config().health() != null) {
            assertThat(d.config().health().intervalNanos()).isNotNegative();
            assertThat(d.config().health().timeoutNanos()).isNotNegative();
            assertThat(d.config().health().startPeriodNanos()).isNotNegative();
        }
    }

    /** What the agent does with a job it has no record of, then with the record it saved. */
    private static void firstSteps(JobSpec job) {
        String uid = job.getContainer().getWorkload().getUid();
        JobAction first = JOBS.decide(input(uid, job, null));
        if (first instanceof JobAction.Save save && save.record().state() == JobRecord.State.PENDING) {
            JobAction second = JOBS.decide(input(uid, job, save.record()));
            if (second instanceof JobAction.StartAttempt start) {
                assertThat(SpecCheck.problem(start.fresh().spec())).isEmpty();
                assertThat(start.fresh().mountProblem()).isEmpty();
                assertRunnable(start.fresh());
            }
        }
    }

    private static JobInput input(String uid, JobSpec job, JobRecord record) {
        return new JobInput(uid, job, false, record, false, List.of(), Optional.empty(), Set.of(), Map.of(), NOW, OPEN);
    }
}
