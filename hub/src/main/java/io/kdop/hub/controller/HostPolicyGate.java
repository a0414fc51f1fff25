package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.container.VolumeMount;
import io.kdop.hub.api.HostPathRule;
import io.kdop.hub.api.HostPolicySpec;
import io.kdop.hub.container.SpecProblem;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.policy.HostPolicy;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.WorkloadRef;
import java.util.List;
import java.util.Optional;

/**
 * Applies a DockerHost's policy where workloads are placed: the policy goes into the host's
 * desired state (its agent checks every container again), and a spec it refuses is taken off the
 * host. Taken off, not kept at its last spec as an invalid edit is: the policy is a limit set by
 * the host's owner, which must hold when it is tightened too, and after a restart the hub could
 * not tell whether what runs was ever allowed.
 */
public final class HostPolicyGate {

    private final HostWorkloads workloads;

    HostPolicyGate(HostWorkloads workloads) {
        this.workloads = workloads;
    }

    /**
     * Why the host's policy refuses the translated spec (the workload is then off the host), or
     * empty when the workload may be placed there.
     */
    Optional<SpecProblem> refusal(String hostKey, DockerHost host, ContainerSpec spec) {
        HostPolicy policy = tell(hostKey, host);
        Optional<HostPolicy.Denial> denial = policy.check(spec);
        if (denial.isEmpty()) {
            return Optional.empty();
        }
        workloads.remove(spec.getWorkload().getUid());
        return Optional.of(SpecProblem.of(HostPolicy.DENIED, denial.get().message()
                + "; the workload is not placed on the host (a container it ran there is removed)"));
    }

    /**
     * What the policy refuses in the workload as written, before its spec is resolved: its
     * namespace, its host paths and its network mode need no Secret. A spec that cannot be
     * resolved (a missing Secret) must not keep running a container the policy now refuses, which
     * a tenant could otherwise arrange by breaking the spec before the owner tightens the policy.
     */
    Optional<SpecProblem> namespaceRefusal(String hostKey, DockerHost host, HasMetadata workload) {
        ContainerSpec.Builder asWritten = ContainerSpec.newBuilder().setWorkload(WorkloadRef.newBuilder()
                .setNamespace(workload.getMetadata().getNamespace()).setUid(workload.getMetadata().getUid()));
        List<VolumeMount> mounts = switch (workload) {
            case DockerContainer c when c.getSpec() != null -> {
                asWritten.setNetworkMode(c.getSpec().networkMode() == null ? "" : c.getSpec().networkMode());
                yield c.getSpec().volumeMounts();
            }
            case DockerJob j when j.getSpec() != null -> j.getSpec().volumeMounts();
            default -> null;
        };
        for (VolumeMount m : mounts == null ? List.<VolumeMount>of() : mounts) {
            // only paths the translation would accept; it reports the others itself
            if (m != null && m.hostPath() != null && m.hostPath().startsWith("/") && m.hostPath().indexOf('\0') < 0) {
                asWritten.addMounts(HostMount.newBuilder().setHostPath(m.hostPath())
                        .setContainerPath(m.containerPath() == null ? "" : m.containerPath())
                        .setReadOnly(Boolean.TRUE.equals(m.readOnly())));
            }
        }
        return refusal(hostKey, host, asWritten.build());
    }

    /** Puts the host's current policy into its desired state, for its agent; returns it. */
    HostPolicy tell(String hostKey, DockerHost host) {
        HostPolicy policy = of(host);
        workloads.policy(hostKey, policy.toMessage());
        return policy;
    }

    /** The DockerHost's spec.policy as the decision hub and agent share. */
    public static HostPolicy of(DockerHost host) {
        HostPolicySpec spec = host.getSpec() == null ? null : host.getSpec().getPolicy();
        String namespace = host.getMetadata().getNamespace();
        String name = host.getMetadata().getName();
        if (spec == null) {
            return new HostPolicy(namespace, name, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        return new HostPolicy(namespace, name,
                spec.allowedNamespaces() == null ? List.of()
                        : spec.allowedNamespaces().stream().filter(ns -> ns != null && !ns.isBlank()).toList(),
                Optional.ofNullable(spec.hostPaths()).map(rules -> rules.stream()
                        .filter(r -> r != null && r.pathPrefix() != null)
                        .map(HostPolicyGate::rule).toList()),
                Optional.ofNullable(spec.allowHostNetwork()),
                Optional.ofNullable(spec.allowContainerNetwork()));
    }

    private static HostPolicy.PathRule rule(HostPathRule rule) {
        return new HostPolicy.PathRule(rule.pathPrefix(), Boolean.TRUE.equals(rule.readOnly()));
    }
}
