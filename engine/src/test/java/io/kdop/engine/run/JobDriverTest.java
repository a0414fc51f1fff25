package io.kdop.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.BadRequestException;
import io.kdop.engine.job.JobInput;
import io.kdop.engine.job.JobRecord;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.RegistryCredential;
import io.kdop.proto.v1.WorkloadRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A failed job step is logged without the secrets Docker may echo back. */
class JobDriverTest {

    /** A host policy that allows everything: these tests are about other rules. */
    private static final io.kdop.engine.plan.PolicyGate OPEN = new io.kdop.engine.plan.PolicyGate(
            new io.kdop.proto.policy.HostPolicy("edge", "h", java.util.List.of(io.kdop.proto.policy.HostPolicy.ANY_NAMESPACE),
                    java.util.Optional.of(java.util.List.of(new io.kdop.proto.policy.HostPolicy.PathRule("/", false))),
                    java.util.Optional.of(true), java.util.Optional.of(true)), p -> p);

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final BadRequestException ECHOING = new BadRequestException("{\"message\":"
            + "\"invalid env TOKEN=env-s3cret and auth registry-pa55word\"}");

    @Test
    void aFailedStepOfADesiredJobIsDescribedWithoutItsSecrets() {
        JobInput in = input(job(), null);

        assertThat(JobDriver.stepFailure(in, ECHOING)).isEqualTo("invalid env TOKEN=*** and auth ***");
    }

    @Test
    void aFailedStepOfAJobNoLongerDesiredIsDescribedWithoutTheSecretsItBeganWith() {
        JobInput in = input(null, JobRecord.begin(job(), NOW));

        assertThat(JobDriver.stepFailure(in, ECHOING)).isEqualTo("invalid env TOKEN=*** and auth ***");
    }

    private static JobInput input(JobSpec desired, JobRecord record) {
        return new JobInput("uid-j", desired, false, record, false, List.of(), Optional.empty(), Set.of(), Map.of(),
                NOW, OPEN);
    }

    private static JobSpec job() {
        return JobSpec.newBuilder().setContainer(ContainerSpec.newBuilder()
                .setWorkload(WorkloadRef.newBuilder().setKind("DockerJob").setNamespace("batch").setName("j")
                        .setUid("uid-j"))
                .setImage("registry.example/app:1")
                .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("env-s3cret").setFromSecret(true))
                .addRegistryCredentials(RegistryCredential.newBuilder().setServer("registry.example")
                        .setUsername("ci").setPassword("registry-pa55word")))
                .build();
    }
}
