package io.kdop.engine.plan;

import static io.kdop.engine.plan.Specs.desired;
import static io.kdop.engine.plan.Specs.full;
import static io.kdop.engine.plan.Specs.minimal;
import static io.kdop.engine.plan.Specs.observed;
import static io.kdop.engine.plan.Specs.observedState;
import static io.kdop.engine.plan.Specs.withConfig;
import static io.kdop.engine.plan.Specs.withLabel;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.plan.WorkloadPlan.Action;
import io.kdop.engine.status.StatusComposer;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.RestartPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PlannerTest {

    private static WorkloadPlan only(List<WorkloadPlan> plans) {
        assertThat(plans).hasSize(1);
        return plans.getFirst();
    }

    private static WorkloadPlan plan(DesiredContainer d, ObservedContainer... containers) {
        return only(Planner.plan(List.of(d), observedState(List.of(containers), Map.of())));
    }

    private static List<Class<?>> stepKinds(WorkloadPlan plan) {
        return plan.steps().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void createsAndStartsAContainerThatDoesNotExist() {
        DesiredContainer d = desired(full("web"));
        WorkloadPlan plan = plan(d);
        assertThat(plan.action()).isEqualTo(Action.CREATE);
        assertThat(plan.steps()).containsExactly(new Step.CreateAndStart(d)); // the image is on the host
    }

    @Test
    void pullsPerPullPolicy() {
        ObservedState noImage = new ObservedState(List.of(), Map.of(), Set.of(), Map.of());
        DesiredContainer ifNotPresent = desired(full("web"));
        assertThat(only(Planner.plan(List.of(ifNotPresent), noImage)).steps())
                .containsExactly(new Step.Pull("kdop-test/busybox:1"), new Step.CreateAndStart(ifNotPresent));

        DesiredContainer always = desired(full("web").setPullPolicy(PullPolicy.PULL_ALWAYS));
        assertThat(plan(always).steps()).as("Always pulls even when the image is there")
                .containsExactly(new Step.Pull("kdop-test/busybox:1"), new Step.CreateAndStart(always));

        DesiredContainer never = desired(full("web").setPullPolicy(PullPolicy.PULL_NEVER));
        assertThat(plan(never).steps()).containsExactly(new Step.CreateAndStart(never));
        WorkloadPlan missing = only(Planner.plan(List.of(never), noImage));
        assertThat(missing.action()).isEqualTo(Action.IMAGE_MISSING);
        assertThat(missing.steps()).isEmpty();
        assertThat(missing.detail()).isEqualTo("image kdop-test/busybox:1 is not on the host and the pull policy is Never");
    }

    @Test
    void leavesAHealthyMatchingContainerAlone() {
        for (ContainerSpec.Builder spec : List.of(full("web"), minimal("web"),
                minimal("web").addEntrypoint("/bin/httpd"), minimal("web").setNetworkMode("host"))) {
            DesiredContainer d = desired(spec);
            WorkloadPlan plan = plan(d, observed(d, "running"));
            assertThat(plan.action()).as(spec.toString()).isEqualTo(Action.NONE);
            assertThat(plan.steps()).isEmpty();
        }
    }

    @Test
    void leavesARestartingContainerToDocker() {
        DesiredContainer d = desired(full("web"));
        assertThat(plan(d, observed(d, "restarting")).action()).isEqualTo(Action.NONE);
    }

    @ParameterizedTest
    @EnumSource(value = RestartPolicy.class, names = {"RESTART_ALWAYS", "RESTART_UNLESS_STOPPED"})
    void startsAStoppedContainerWhosePolicyKeepsItRunning(RestartPolicy policy) {
        DesiredContainer d = desired(full("web").setRestartPolicy(policy));
        ObservedContainer stopped = observed(d, "exited");
        WorkloadPlan plan = plan(d, stopped);
        assertThat(plan.action()).isEqualTo(Action.START);
        assertThat(plan.steps()).containsExactly(new Step.Start(stopped));
    }

    @ParameterizedTest
    @EnumSource(value = RestartPolicy.class, names = {"RESTART_NO", "RESTART_ON_FAILURE"})
    void leavesAnExitedContainerWhosePolicyLetsItStop(RestartPolicy policy) {
        DesiredContainer d = desired(full("web").setRestartPolicy(policy));
        WorkloadPlan plan = plan(d, observed(d, "exited"));
        assertThat(plan.action()).isEqualTo(Action.NONE);
        assertThat(plan.steps()).isEmpty();
    }

    @Test
    void startsACreatedContainerWhateverItsPolicy() {
        DesiredContainer d = desired(full("web").setRestartPolicy(RestartPolicy.RESTART_NO));
        assertThat(plan(d, observed(d, "created")).action()).isEqualTo(Action.START);
    }

    @Test
    void recreatesWhenTheSpecHashDiffers() {
        DesiredContainer before = desired(full("web"));
        DesiredContainer after = desired(full("web").setEnv(0, full("web").getEnv(0).toBuilder().setValue("staging")));
        ObservedContainer old = observed(before, "running");
        WorkloadPlan plan = plan(after, old);
        assertThat(plan.action()).isEqualTo(Action.RECREATE);
        assertThat(plan.steps()).containsExactly(new Step.Remove(old), new Step.CreateAndStart(after));
        assertThat(plan.detail()).isEqualTo("differs in spec, env");
    }

    @Test
    void recreatesWhenTheHashLabelAloneDiffers() {
        DesiredContainer d = desired(full("web"));
        ObservedContainer tampered = withLabel(observed(d, "running"), ManagedContainers.SPEC_HASH, "0".repeat(64));
        WorkloadPlan plan = plan(d, tampered);
        assertThat(plan.action()).isEqualTo(Action.RECREATE);
        assertThat(plan.detail()).isEqualTo("differs in spec");
    }

    /** Out-of-band drift: the labels (hash included) say kdop made it, the settings say otherwise. */
    private static void assertDrift(ContainerSpec.Builder spec, String field, UnaryOperator<ContainerConfig> change) {
        DesiredContainer d = desired(spec);
        ObservedContainer good = observed(d, "running");
        ObservedContainer drifted = withConfig(good, change.apply(good.config()));
        WorkloadPlan plan = plan(d, drifted);
        assertThat(plan.action()).as(field).isEqualTo(Action.RECREATE);
        assertThat(plan.detail()).as(field).isEqualTo("differs in " + field);
        assertThat(plan.steps()).containsExactly(new Step.Remove(drifted), new Step.CreateAndStart(d));
    }

    private static ContainerConfig with(ContainerConfig c, String image, List<String> cmd, List<String> entrypoint,
            List<String> env) {
        return new ContainerConfig(image, cmd, entrypoint, env, c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(),
                c.health(), c.nanoCpus(), c.memoryBytes(), c.networkMode());
    }

    @Test
    void detectsOutOfBandDriftOnEveryField() {
        assertDrift(full("web"), "image", c -> with(c, "other:1", c.cmd(), c.entrypoint(), c.env()));
        assertDrift(full("web"), "command", c -> with(c, c.image(), List.of("sleep", "1"), c.entrypoint(), c.env()));
        assertDrift(minimal("web"), "command", c -> with(c, c.image(), List.of("httpd"), c.entrypoint(), c.env()));
        assertDrift(full("web"), "entrypoint", c -> with(c, c.image(), c.cmd(), List.of("/bin/env"), c.env()));
        assertDrift(full("web"), "env", c -> with(c, c.image(), c.cmd(), c.entrypoint(), replace(c.env(), "MODE=prod", "MODE=dev")));
        assertDrift(full("web"), "env", c -> with(c, c.image(), c.cmd(), c.entrypoint(), plus(c.env(), "EXTRA=1")));
        assertDrift(full("web"), "env", c -> with(c, c.image(), c.cmd(), c.entrypoint(), replace(c.env(), "MODE=prod", null)));
        assertDrift(full("web"), "restartPolicy", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(), "no", 0,
                c.ports(), c.binds(), c.health(), c.nanoCpus(), c.memoryBytes(), c.networkMode()));
        assertDrift(full("web").setRestartPolicy(RestartPolicy.RESTART_ON_FAILURE).setMaxRestartCount(3), "restartPolicy",
                c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(), "on-failure", 5, c.ports(), c.binds(),
                        c.health(), c.nanoCpus(), c.memoryBytes(), c.networkMode()));
        assertDrift(full("web"), "ports", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(), c.restartPolicy(),
                c.maxRetries(), List.of(new PortMapping("", 9090, 80, "tcp")), c.binds(), c.health(), c.nanoCpus(),
                c.memoryBytes(), c.networkMode()));
        assertDrift(full("web"), "mounts", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(),
                c.restartPolicy(), c.maxRetries(), c.ports(), List.of("/srv/data:/data:rw"), c.health(), c.nanoCpus(),
                c.memoryBytes(), c.networkMode()));
        assertDrift(full("web"), "healthCheck", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(),
                c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(), null, c.nanoCpus(), c.memoryBytes(), c.networkMode()));
        assertDrift(minimal("web"), "healthCheck", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(),
                c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(), new HealthConfig(List.of("CMD", "false"), 0, 0, 0, 0),
                c.nanoCpus(), c.memoryBytes(), c.networkMode()));
        assertDrift(full("web"), "resources", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(),
                c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(), c.health(), 0, c.memoryBytes(), c.networkMode()));
        assertDrift(full("web"), "resources", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(),
                c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(), c.health(), c.nanoCpus(), 128L << 20, c.networkMode()));
        assertDrift(full("web"), "networkMode", c -> new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env(),
                c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(), c.health(), c.nanoCpus(), c.memoryBytes(), "host"));
    }

    @Test
    void treatsDockersEquivalentSpellingsAsEqual() {
        DesiredContainer d = desired(full("web").setNetworkMode("bridge"));
        ObservedContainer o = observed(d, "running");
        ContainerConfig c = o.config();
        ContainerConfig spelled = new ContainerConfig(c.image(), c.cmd(), c.entrypoint(), c.env().reversed(),
                c.restartPolicy(), c.maxRetries(), List.of(new PortMapping("0.0.0.0", 8080, 80, "TCP")), c.binds(),
                c.health(), c.nanoCpus(), c.memoryBytes(), "default");
        assertThat(plan(d, withConfig(o, spelled)).action()).isEqualTo(Action.NONE);
    }

    @Test
    void comparesOnlyWhatKdopSetsWhenTheImageIsGone() {
        DesiredContainer d = desired(minimal("web").addEnv(io.kdop.proto.v1.EnvVar.newBuilder().setName("A").setValue("1")));
        ObservedContainer o = observed(d, "running");
        ObservedState noDefaults = new ObservedState(List.of(o), Map.of(), Set.of(), Map.of());
        // the image's PATH and Cmd are in the container, but without the image nothing says they are not kdop's
        assertThat(only(Planner.plan(List.of(d), noDefaults)).action()).isEqualTo(Action.NONE);
        ObservedContainer lost = withConfig(o, with(o.config(), o.config().image(), o.config().cmd(),
                o.config().entrypoint(), replace(o.config().env(), "A=1", "A=2")));
        assertThat(only(Planner.plan(List.of(d), new ObservedState(List.of(lost), Map.of(), Set.of(), Map.of()))).detail())
                .isEqualTo("differs in env");
    }

    @Test
    void recreatesADeadContainer() {
        DesiredContainer d = desired(full("web"));
        WorkloadPlan plan = plan(d, observed(d, "dead"));
        assertThat(plan.action()).isEqualTo(Action.RECREATE);
        assertThat(plan.detail()).isEqualTo("differs in state dead");
    }

    @Test
    void pullsBeforeRemovingTheOldContainer() {
        DesiredContainer before = desired(full("web"));
        DesiredContainer after = desired(full("web").setImage("kdop-test/busybox:2"));
        WorkloadPlan plan = plan(after, observed(before, "running"));
        assertThat(stepKinds(plan)).containsExactly(Step.Pull.class, Step.Remove.class, Step.CreateAndStart.class);
    }

    @Test
    void removesManagedContainersOfWorkloadsNoLongerDesiredFirst() {
        DesiredContainer gone = desired(full("old"));
        DesiredContainer web = desired(full("web"));
        ObservedContainer oldContainer = observed(gone, "running");
        List<WorkloadPlan> plans = Planner.plan(List.of(web), observedState(List.of(oldContainer), Map.of()));
        assertThat(plans).extracting(WorkloadPlan::action).containsExactly(Action.REMOVE, Action.CREATE);
        WorkloadPlan removal = plans.getFirst();
        assertThat(removal.workload()).isEqualTo(gone.workload());
        assertThat(removal.desired()).isNull();
        assertThat(removal.steps()).containsExactly(new Step.Remove(oldContainer));
    }

    @Test
    void removesEverythingWhenNothingIsDesired() {
        DesiredContainer a = desired(full("a"));
        DesiredContainer b = desired(full("b"));
        List<WorkloadPlan> plans = Planner.plan(List.of(), observedState(List.of(observed(a, "running"),
                observed(b, "exited")), Map.of()));
        assertThat(plans).extracting(WorkloadPlan::action).containsExactly(Action.REMOVE, Action.REMOVE);
    }

    @Test
    void aRefusedHostMountIsReportedAsSuchAndNothingIsCreated() {
        DesiredContainer d = desired(minimal("web").addMounts(io.kdop.proto.v1.HostMount.newBuilder()
                .setHostPath("/var/lib/kdop-agent/secrets").setContainerPath("/x")));

        WorkloadPlan plan = Planner.plan(List.of(d), observedState(List.of(), Map.of())).getFirst();

        assertThat(plan.action()).isEqualTo(Action.HOST_PATH_REFUSED);
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.detail()).contains("/var/lib/kdop-agent/secrets", "the agent's state directory");
        assertThat(StatusComposer.desired(plan, java.util.Optional.empty(), java.util.Optional.empty(), 0, 1)
                .getReason()).isEqualTo(Reason.HostPathRefused.name());
    }

    @Test
    void anAllowedHostMountIsBoundFromTheResolvedPath() {
        DesiredContainer d = desired(minimal("web").addMounts(io.kdop.proto.v1.HostMount.newBuilder()
                .setHostPath("/srv/./data/../data").setContainerPath("/data").setReadOnly(true)));

        assertThat(d.mountProblem()).isEmpty();
        assertThat(d.config().binds()).containsExactly("/srv/data:/data:ro");
    }

    @Test
    void leavesTheContainerOfARetainedWorkloadExactlyAsItIs() {
        DesiredContainer invalidNow = desired(full("a"));
        DesiredContainer gone = desired(full("b"));
        List<WorkloadPlan> plans = Planner.plan(List.of(), observedState(List.of(observed(invalidNow, "running"),
                observed(gone, "running")), Map.of()), java.util.Set.of(invalidNow.uid()));
        assertThat(plans).singleElement().satisfies(p -> {
            assertThat(p.action()).isEqualTo(Action.REMOVE);
            assertThat(p.workload()).isEqualTo(gone.workload());
        });
    }

    @Test
    void leavesAContainerItDidNotCreateAloneAndReportsTheConflict() {
        DesiredContainer d = desired(full("web"));
        NameHolder foreign = new NameHolder("foreign-id", "web", "");
        WorkloadPlan plan = only(Planner.plan(List.of(d), observedState(List.of(), Map.of("web", foreign))));
        assertThat(plan.action()).isEqualTo(Action.CONFLICT);
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.detail()).isEqualTo("a container named web that kdop did not create holds the name; it is left alone");

        NameHolder otherHost = new NameHolder("other-id", "web", "uid-of-another-host");
        assertThat(only(Planner.plan(List.of(d), observedState(List.of(), Map.of("web", otherHost)))).detail())
                .isEqualTo("a container named web created by kdop for another DockerHost identity (host UID"
                        + " uid-of-another-host) holds the name; it is left alone");
    }

    @Test
    void createsWithANameAnotherWorkloadFreesInTheSamePass() {
        DesiredContainer leaving = desired(full("old").setContainerName("web"));
        DesiredContainer arriving = desired(full("new").setContainerName("web"));
        List<WorkloadPlan> plans = Planner.plan(List.of(arriving), observedState(List.of(observed(leaving, "running")), Map.of()));
        assertThat(plans).extracting(WorkloadPlan::action).containsExactly(Action.REMOVE, Action.CREATE);
    }

    @Test
    void refusesTwoWorkloadsWithOneName() {
        DesiredContainer first = desired(full("a").setContainerName("web"));
        DesiredContainer second = desired(full("b").setContainerName("web"));
        List<WorkloadPlan> plans = Planner.plan(List.of(first, second), observedState(List.of(), Map.of()));
        assertThat(plans).extracting(WorkloadPlan::action).containsExactly(Action.CREATE, Action.CONFLICT);
        assertThat(plans.get(1).detail()).isEqualTo("workload DockerContainer shop/a of this host wants the container name web too");
    }

    @Test
    void removesExtraContainersOfOneWorkload() {
        DesiredContainer d = desired(full("web"));
        ObservedContainer primary = observed(d, "running");
        ObservedContainer copy = new ObservedContainer("id-copy", "web-copy", primary.labels(), primary.imageId(),
                primary.config(), primary.state());
        WorkloadPlan plan = plan(d, copy, primary);
        assertThat(plan.action()).isEqualTo(Action.NONE);
        assertThat(plan.steps()).containsExactly(new Step.Remove(copy));
    }

    @Test
    void refusesASpecThatWouldEscapeTheSecretsDirectory() {
        ContainerSpec.Builder spec = full("web");
        spec.setWorkload(spec.getWorkload().toBuilder().setUid("../../etc"));
        WorkloadPlan plan = only(Planner.plan(List.of(desired(spec)), observedState(List.of(), Map.of())));
        assertThat(plan.action()).isEqualTo(Action.INVALID);
        assertThat(plan.detail()).isEqualTo("the workload UID '../../etc' is not a valid UID");
    }

    private static List<String> replace(List<String> env, String from, String to) {
        List<String> result = new ArrayList<>();
        for (String e : env) {
            if (!e.equals(from)) {
                result.add(e);
            } else if (to != null) {
                result.add(to);
            }
        }
        return result;
    }

    private static List<String> plus(List<String> env, String extra) {
        List<String> result = new ArrayList<>(env);
        result.add(extra);
        return result;
    }
}
