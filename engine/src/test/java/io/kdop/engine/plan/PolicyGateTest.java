package io.kdop.engine.plan;

import static io.kdop.engine.plan.Specs.desired;
import static io.kdop.engine.plan.Specs.minimal;
import static io.kdop.engine.plan.Specs.observed;
import static io.kdop.engine.plan.Specs.observedState;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.plan.WorkloadPlan.Action;
import io.kdop.engine.status.StatusComposer;
import io.kdop.proto.v1.DesiredState;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.HostPathRule;
import io.kdop.proto.v1.HostPathRules;
import io.kdop.proto.v1.HostPolicy;
import io.kdop.proto.v1.WorkloadStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agent's own check of the host's policy: it refuses what the hub should never have sent. */
class PolicyGateTest {

    /** The test workloads are in namespace shop. */
    private static final HostIdentity SHOP_HOST = HostIdentity.newBuilder().setNamespace("shop").setName("edge-1")
            .setUid("host-uid-1").build();
    private static final HostIdentity SHARED_HOST = HostIdentity.newBuilder().setNamespace("kdop-system")
            .setName("shared").setUid("host-uid-2").build();

    private static List<WorkloadPlan> plan(PolicyGate gate, List<DesiredContainer> desired,
            ObservedContainer... containers) {
        return gate.screen(Planner.plan(desired, observedState(List.of(containers), Map.of()), Set.of()));
    }

    @Test
    void aWorkloadOfANamespaceTheHostDoesNotTakeIsNotCreatedEvenIfTheHubSentIt() {
        // the hub sent no policy (an older hub, or a bug): the defaults hold, not "anything goes"
        PolicyGate gate = PolicyGate.of(SHARED_HOST, DesiredState.getDefaultInstance(), p -> p);
        WorkloadPlan plan = plan(gate, List.of(desired(minimal("web")))).getFirst();

        assertThat(plan.action()).isEqualTo(Action.DENIED);
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.detail()).contains("DockerHost kdop-system/shared", "namespace shop",
                "spec.policy.allowedNamespaces");
        WorkloadStatus status = StatusComposer.desired(plan, Optional.empty(), Optional.empty(), 0, 7);
        assertThat(status.getPhase()).isEqualTo("Failed");
        assertThat(status.getReason()).isEqualTo("PolicyDenied");
        assertThat(status.getMessage()).isEqualTo(plan.detail());
    }

    @Test
    void aMountOrNetworkModeThePolicyRefusesIsNotCreatedAndTheRestGoesOn() {
        HostPolicy policy = HostPolicy.newBuilder().setHostPaths(HostPathRules.newBuilder()
                .addRules(HostPathRule.newBuilder().setPathPrefix("/srv/data").setReadOnly(true))).build();
        PolicyGate gate = PolicyGate.of(SHOP_HOST, DesiredState.newBuilder().setPolicy(policy).build(), p -> p);
        DesiredContainer etc = desired(minimal("etc").addMounts(HostMount.newBuilder().setHostPath("/etc")
                .setContainerPath("/host-etc")));
        DesiredContainer writes = desired(minimal("writes").addMounts(HostMount.newBuilder().setHostPath("/srv/data/x")
                .setContainerPath("/x")));
        DesiredContainer reads = desired(minimal("reads").addMounts(HostMount.newBuilder().setHostPath("/srv/data/x")
                .setContainerPath("/x").setReadOnly(true)));
        DesiredContainer hostNetwork = desired(minimal("net").setNetworkMode("host"));

        List<WorkloadPlan> plans = plan(gate, List.of(etc, writes, reads, hostNetwork));

        assertThat(plans).extracting(p -> p.workload().getName() + ":" + p.action())
                .containsExactly("etc:DENIED", "writes:DENIED", "reads:CREATE", "net:CREATE");
        assertThat(plans.get(0).detail()).contains("host path /etc", "spec.policy.hostPaths allows /srv/data (read-only)");
        assertThat(plans.get(1).detail()).contains("only read-only");
    }

    @Test
    void aContainerThatIsThereIsLeftAsItIsAndNotRestarted() {
        PolicyGate gate = PolicyGate.of(SHOP_HOST, DesiredState.newBuilder()
                .setPolicy(HostPolicy.newBuilder().setAllowHostNetwork(false)).build(), p -> p);
        DesiredContainer d = desired(minimal("net").setNetworkMode("host"));
        ObservedContainer stopped = observed(d, "exited");

        WorkloadPlan plan = plan(gate, List.of(d), stopped).getFirst();
        assertThat(plan.action()).isEqualTo(Action.DENIED);
        assertThat(plan.current()).isEqualTo(stopped);
        assertThat(plan.steps()).as("neither removed nor started").isEmpty();
    }

    @Test
    void removalsAndSpecsTheAgentRefusesAnywayKeepTheirPlans() {
        PolicyGate gate = PolicyGate.of(SHARED_HOST, DesiredState.getDefaultInstance(), p -> p);
        DesiredContainer gone = desired(minimal("gone"));
        DesiredContainer badName = desired(minimal("bad").setContainerName("-bad"));

        List<WorkloadPlan> plans = plan(gate, List.of(badName), observed(gone, "running"));
        assertThat(plans).extracting(WorkloadPlan::action).containsExactly(Action.REMOVE, Action.INVALID);
    }

    @Test
    void aLinkUnderAnAllowedPrefixIsJudgedByWhereItLeads() {
        HostPolicy policy = HostPolicy.newBuilder().setHostPaths(HostPathRules.newBuilder()
                .addRules(HostPathRule.newBuilder().setPathPrefix("/srv/data"))).build();
        PolicyGate gate = PolicyGate.of(SHOP_HOST, DesiredState.newBuilder().setPolicy(policy).build(),
                p -> p.equals("/srv/data/escape") ? "/etc" : p);
        DesiredContainer escape = desired(minimal("escape").addMounts(HostMount.newBuilder()
                .setHostPath("/srv/data/escape").setContainerPath("/x")));

        WorkloadPlan plan = plan(gate, List.of(escape)).getFirst();
        assertThat(plan.action()).isEqualTo(Action.DENIED);
        assertThat(plan.detail()).contains("/srv/data/escape (a link to /etc)");
    }
}
