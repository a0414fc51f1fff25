package io.kdop.engine.plan;

import io.kdop.proto.policy.HostPolicy;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The host's policy (DesiredState.policy, the DockerHost's spec.policy) as the agent enforces it
 * itself before it acts on a container: defence in depth, should the hub ever send what the
 * policy refuses. A refused workload is acted on in no way; a container it already has is left as
 * it is (the hub takes refused workloads off the host, which removes it), and its status says why.
 *
 * @param resolve gives a host path with its symbolic links resolved, as Docker will follow them
 */
public record PolicyGate(HostPolicy policy, UnaryOperator<String> resolve) {

    /** The gate of a desired state; a state without a policy gets the defaults, never "anything goes". */
    public static PolicyGate of(HostIdentity host, DesiredState state, UnaryOperator<String> resolve) {
        return new PolicyGate(HostPolicy.of(host.getNamespace(), host.getName(), state.getPolicy()), resolve);
    }

    /** Why the policy refuses the container, or empty when it allows it. */
    public Optional<String> refusal(ContainerSpec spec) {
        return policy.check(spec, resolve).map(HostPolicy.Denial::message);
    }

    /**
     * The plans with each one for a workload the policy refuses replaced by a {@link
     * WorkloadPlan.Action#DENIED} plan without steps. Plans already refused (INVALID) and removals
     * stay as they are.
     */
    public List<WorkloadPlan> screen(List<WorkloadPlan> plans) {
        return plans.stream().map(plan -> {
            if (plan.desired() == null || plan.action() == WorkloadPlan.Action.INVALID) {
                return plan;
            }
            return refusal(plan.desired().spec())
                    .map(why -> new WorkloadPlan(plan.workload(), plan.desired(), plan.current(),
                            WorkloadPlan.Action.DENIED, List.of(), why))
                    .orElse(plan);
        }).toList();
    }
}
