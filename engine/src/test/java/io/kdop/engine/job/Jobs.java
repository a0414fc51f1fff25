package io.kdop.engine.job;

import io.kdop.engine.backoff.Backoff;
import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.plan.HostPathResolver;
import io.kdop.engine.plan.MountGuard;
import io.kdop.engine.plan.NameHolder;
import io.kdop.engine.plan.PolicyGate;
import io.kdop.engine.plan.RuntimeState;
import io.kdop.engine.secrets.SecretLayout;
import io.kdop.proto.policy.HostPolicy;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.JobRestartPolicy;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds job specs, records and containers for the job rules' unit tests. */
final class Jobs {

    static final String HOST_UID = "host-uid-1";
    static final String IMAGE = "kdop-test/busybox:1";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(60));
    /** A host policy that allows everything, for the tests of the other rules. */
    static final PolicyGate OPEN = new PolicyGate(new HostPolicy("edge", "h", List.of(HostPolicy.ANY_NAMESPACE),
            Optional.of(List.of(new HostPolicy.PathRule("/", false))), Optional.of(true), Optional.of(true)), p -> p);
    
    static final JobRules RULES = new JobRules(HOST_UID, new SecretLayout(Path.of("/var/lib/kdop-agent/secrets")),
            MountGuard.of(Path.of("/var/lib/kdop-agent"), "unix:///var/run/docker.sock",
                    path -> new HostPathResolver.Resolved(path.normalize(), List.of())), BACKOFF);

    private Jobs() {}

    static WorkloadRef workload(String name) {
        return WorkloadRef.newBuilder().setKind("DockerJob").setNamespace("batch").setName(name).setUid("uid-" + name)
                .build();
    }

    /** A job that runs {@code sh -c script}, backoffLimit 2, policy Never, no deadline, no TTL. */
    static JobSpec.Builder job(String name, String script) {
        return JobSpec.newBuilder()
                .setContainer(ContainerSpec.newBuilder().setWorkload(workload(name)).setContainerName("job-" + name)
                        .setImage(IMAGE).addAllCommand(List.of("sh", "-c", script))
                        .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("s3cret-token").setFromSecret(true)))
                .setRestartPolicy(JobRestartPolicy.JOB_RESTART_NEVER)
                .setBackoffLimit(2)
                .setSpecDigest("digest-" + name + "-" + script.hashCode());
    }

    static RuntimeState running(Instant startedAt) {
        return new RuntimeState("running", "", "172.17.0.9", 0, startedAt.toString(), 0, false, "", "");
    }

    static RuntimeState exited(Instant startedAt, Instant finishedAt, int code) {
        return new RuntimeState("exited", "", "", 0, startedAt.toString(), code, false, "", finishedAt.toString());
    }

    static RuntimeState created() {
        return new RuntimeState("created", "", "", 0, "", 0, false, "", "");
    }

    static JobContainer container(JobSpec spec, String id, int attempt, RuntimeState state) {
        return new JobContainer(id, spec.getContainer().getContainerName(), spec.getContainer().getWorkload(), attempt,
                state);
    }

    static JobInput input(JobSpec desired, JobRecord record, Instant now, JobContainer... containers) {
        String uid = desired != null ? desired.getContainer().getWorkload().getUid() : record.uid();
        return new JobInput(uid, desired, false, record, false, List.of(containers), Optional.empty(), Set.of(IMAGE),
                Map.of(), now, OPEN);
    }

    static JobInput withPolicy(JobInput in, PolicyGate policy) {
        return new JobInput(in.uid(), in.desired(), in.retained(), in.record(), in.recordUnreadable(), in.containers(),
                in.failure(), in.presentImages(), in.nameHolders(), in.now(), policy);
    }

    static JobInput withFailure(JobInput in, FailureTracker.Failure failure) {
        return new JobInput(in.uid(), in.desired(), in.retained(), in.record(), in.recordUnreadable(), in.containers(),
                Optional.of(failure), in.presentImages(), in.nameHolders(), in.now(), in.policy());
    }

    static JobInput withHolders(JobInput in, Map<String, NameHolder> holders) {
        return new JobInput(in.uid(), in.desired(), in.retained(), in.record(), in.recordUnreadable(), in.containers(),
                in.failure(), in.presentImages(), holders, in.now(), in.policy());
    }

    static JobInput withImages(JobInput in, Set<String> images) {
        return new JobInput(in.uid(), in.desired(), in.retained(), in.record(), in.recordUnreadable(), in.containers(),
                in.failure(), images, in.nameHolders(), in.now(), in.policy());
    }

    static JobInput retainedOnly(JobRecord record, Instant now, JobContainer... containers) {
        return new JobInput(record.uid(), null, true, record, false, List.of(containers), Optional.empty(), Set.of(IMAGE),
                Map.of(), now, OPEN);
    }

    static JobInput unreadable(JobSpec desired, Instant now, JobContainer... containers) {
        return new JobInput(desired.getContainer().getWorkload().getUid(), desired, false, null, true,
                List.of(containers), Optional.empty(), Set.of(IMAGE), Map.of(), now, OPEN);
    }
}
