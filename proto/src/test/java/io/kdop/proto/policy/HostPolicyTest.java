package io.kdop.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.policy.HostPolicy.Denial;
import io.kdop.proto.policy.HostPolicy.PathRule;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.WorkloadRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostPolicyTest {

    /** A DockerHost edge/h without spec.policy. */
    private static final HostPolicy DEFAULTS = new HostPolicy("edge", "h", List.of(), Optional.empty(), Optional.empty(),
            Optional.empty());

    private static ContainerSpec.Builder spec(String namespace) {
        return ContainerSpec.newBuilder().setContainerName("c").setImage("busybox")
                .setWorkload(WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace(namespace).setName("w")
                        .setUid("uid-1"));
    }

    private static ContainerSpec mount(String namespace, String hostPath, boolean readOnly) {
        return spec(namespace).addMounts(HostMount.newBuilder().setHostPath(hostPath).setContainerPath("/m")
                .setReadOnly(readOnly)).build();
    }

    private static ContainerSpec network(String namespace, String mode) {
        return spec(namespace).setNetworkMode(mode).build();
    }

    private static HostPolicy paths(PathRule... rules) {
        return new HostPolicy("edge", "h", List.of("team-a"), Optional.of(List.of(rules)), Optional.empty(),
                Optional.empty());
    }

    @Test
    void withoutAPolicyTheHostsOwnNamespaceMayDoWhatItDidBefore() {
        assertThat(DEFAULTS.check(mount("edge", "/etc", false))).isEmpty();
        assertThat(DEFAULTS.check(mount("edge", "/tmp/data", true))).as("the seed's volume example").isEmpty();
        assertThat(DEFAULTS.check(network("edge", "host"))).isEmpty();
        assertThat(DEFAULTS.check(network("edge", "container:db"))).isEmpty();
        assertThat(DEFAULTS.check(network("edge", "bridge"))).isEmpty();
    }

    @Test
    void anotherNamespaceNeedsToBeAllowedExplicitly() {
        Optional<Denial> denial = DEFAULTS.check(spec("team-a").build());
        assertThat(denial).hasValueSatisfying(d -> {
            assertThat(d.field()).isEqualTo("spec.policy.allowedNamespaces");
            assertThat(d.message()).contains("DockerHost edge/h", "namespace team-a",
                    "spec.policy.allowedNamespaces is not set", "only the host's own namespace edge");
        });

        HostPolicy teamA = new HostPolicy("edge", "h", List.of("team-a"), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(teamA.check(spec("team-a").build())).isEmpty();
        assertThat(teamA.check(spec("team-b").build())).hasValueSatisfying(d -> assertThat(d.message())
                .contains("namespace team-b", "allows team-a besides the host's own namespace edge"));
        HostPolicy any = new HostPolicy("edge", "h", List.of(HostPolicy.ANY_NAMESPACE), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThat(any.check(spec("team-b").build())).isEmpty();
    }

    @Test
    void anAllowedGuestGetsNoHostPathNorHostOrContainerNetworkUnlessTheyAreSet() {
        HostPolicy teamA = new HostPolicy("edge", "h", List.of("team-a"), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(teamA.check(mount("team-a", "/tmp/data", true))).hasValueSatisfying(d -> {
            assertThat(d.field()).isEqualTo("spec.policy.hostPaths");
            assertThat(d.message()).contains("DockerHost edge/h", "host path /tmp/data",
                    "is not set, which allows host paths only to the host's own namespace edge");
        });
        assertThat(teamA.check(network("team-a", "host"))).hasValueSatisfying(d -> {
            assertThat(d.field()).isEqualTo("spec.policy.allowHostNetwork");
            assertThat(d.message()).contains("spec.networkMode host", "allowHostNetwork is not set");
        });
        assertThat(teamA.check(network("team-a", "container:other-teams-db"))).hasValueSatisfying(d -> {
            assertThat(d.field()).isEqualTo("spec.policy.allowContainerNetwork");
            assertThat(d.message()).contains("container:other-teams-db");
        });
        assertThat(teamA.check(network("team-a", "bridge"))).isEmpty();
        assertThat(teamA.check(network("team-a", ""))).as("Docker's default").isEmpty();
    }

    @Test
    void aPrefixAllowsItselfAndWhatIsBelowItNotANameThatMerelyStartsTheSame() {
        HostPolicy etc = paths(new PathRule("/etc", false));
        assertThat(etc.check(mount("team-a", "/etc", false))).isEmpty();
        assertThat(etc.check(mount("team-a", "/etc/", false))).isEmpty();
        assertThat(etc.check(mount("team-a", "/etc/kdop/conf.d", false))).isEmpty();
        assertThat(etc.check(mount("team-a", "/etcd", false))).hasValueSatisfying(d ->
                assertThat(d.message()).contains("host path /etcd", "spec.policy.hostPaths allows /etc"));
        assertThat(etc.check(mount("team-a", "/etcd/data", false))).isPresent();
        assertThat(paths(new PathRule("/etc/", false)).check(mount("team-a", "/etcd", false)))
                .as("a trailing slash on the prefix changes nothing").isPresent();
        assertThat(etc.check(mount("team-a", "/", false))).as("above the prefix").isPresent();
    }

    @Test
    void dotDotCannotClimbOutOfAnAllowedPrefix() {
        HostPolicy data = paths(new PathRule("/srv/data", false));
        assertThat(data.check(mount("team-a", "/srv/data/../../etc", false))).hasValueSatisfying(d ->
                assertThat(d.field()).isEqualTo("spec.policy.hostPaths"));
        assertThat(data.check(mount("team-a", "/srv/data/./x//y", false))).isEmpty();
        assertThat(data.check(mount("team-a", "/../../srv/data/x", false))).as("above the root is the root").isEmpty();
        assertThat(data.check(mount("team-a", "srv/data", false))).as("not absolute").isPresent();
    }

    @Test
    void aReadOnlyRuleAllowsOnlyReadOnlyMounts() {
        HostPolicy ro = paths(new PathRule("/srv/config", true));
        assertThat(ro.check(mount("team-a", "/srv/config/app", true))).isEmpty();
        assertThat(ro.check(mount("team-a", "/srv/config/app", false))).hasValueSatisfying(d -> {
            assertThat(d.field()).isEqualTo("spec.policy.hostPaths");
            assertThat(d.message()).contains("DockerHost edge/h allows host path /srv/config/app only read-only",
                    "/srv/config (read-only)", "set readOnly: true");
        });
        HostPolicy both = paths(new PathRule("/srv", true), new PathRule("/srv/scratch", false));
        assertThat(both.check(mount("team-a", "/srv/scratch/x", false))).as("a read-write rule matches too").isEmpty();
        assertThat(both.check(mount("team-a", "/srv/other", false))).isPresent();
    }

    @Test
    void aSetFieldAppliesToTheHostsOwnNamespaceToo() {
        HostPolicy none = paths();
        assertThat(none.check(mount("edge", "/tmp/data", true))).hasValueSatisfying(d ->
                assertThat(d.message()).contains("spec.policy.hostPaths allows none"));
        HostPolicy closed = new HostPolicy("edge", "h", List.of(), Optional.empty(), Optional.of(false),
                Optional.of(false));
        assertThat(closed.check(network("edge", "host"))).hasValueSatisfying(d ->
                assertThat(d.message()).contains("spec.policy.allowHostNetwork is false"));
        assertThat(closed.check(network("edge", "container:db"))).hasValueSatisfying(d ->
                assertThat(d.message()).contains("spec.policy.allowContainerNetwork is false"));
        HostPolicy open = new HostPolicy("edge", "h", List.of("*"), Optional.of(List.of(new PathRule("/", false))),
                Optional.of(true), Optional.of(true));
        assertThat(open.check(network("team-a", "host"))).isEmpty();
        assertThat(open.check(network("team-a", "container:db"))).isEmpty();
        assertThat(open.check(mount("team-a", "/etc", false))).isEmpty();
    }

    @Test
    void networkModesAreRecognisedWhateverTheirCaseOrSpaces() {
        HostPolicy closed = new HostPolicy("edge", "h", List.of(), Optional.empty(), Optional.of(false),
                Optional.of(false));
        assertThat(closed.check(network("edge", " HOST "))).isPresent();
        assertThat(closed.check(network("edge", "Container:db"))).isPresent();
        assertThat(closed.check(network("edge", "hostnet"))).as("a network of that name").isEmpty();
    }

    @Test
    void aLinkUnderAnAllowedPrefixMustNotLeadOutOfIt() {
        HostPolicy data = paths(new PathRule("/srv/data", false));
        Map<String, String> links = Map.of("/srv/data/escape", "/etc", "/srv/data/inner", "/srv/data/real");
        assertThat(data.check(mount("team-a", "/srv/data/escape", false), p -> links.getOrDefault(p, p)))
                .hasValueSatisfying(d -> assertThat(d.message()).contains("/srv/data/escape (a link to /etc)"));
        assertThat(data.check(mount("team-a", "/srv/data/inner", false), p -> links.getOrDefault(p, p))).isEmpty();
    }

    @Test
    void thePolicyTravelsToTheAgentUnchangedAndAnAbsentOneMeansTheDefaults() {
        HostPolicy policy = new HostPolicy("edge", "h", List.of("team-a", "*"),
                Optional.of(List.of(new PathRule("/srv", true))), Optional.of(false), Optional.of(true));
        assertThat(HostPolicy.of("edge", "h", policy.toMessage())).isEqualTo(policy);
        HostPolicy noPaths = paths();
        assertThat(HostPolicy.of("edge", "h", noPaths.toMessage()).hostPaths()).as("set, no rules").contains(List.of());
        assertThat(HostPolicy.of("edge", "h", io.kdop.proto.v1.HostPolicy.getDefaultInstance())).isEqualTo(DEFAULTS);
    }
}
