package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.HostPolicySpec;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.controller.LabelSelectors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The DockerHosts a deployment's replicas may go to, read from the caches: those its host selector
 * matches in its own namespace, then in the hub's (a name taken in its own namespace hides the
 * hub's host of that name, as dockerHostRef resolves), the hub's only where their policy admits
 * the deployment's namespace.
 */
final class DeploymentHosts {

    private final DeploymentCaches caches;
    private final String hubNamespace;

    DeploymentHosts(DeploymentCaches caches, String hubNamespace) {
        this.caches = caches;
        this.hubNamespace = hubNamespace;
    }

    List<HostOption> matching(String namespace, LabelSelector selector) {
        List<HostOption> options = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DockerHost host : caches.hosts(namespace)) {
            names.add(host.getMetadata().getName());
            if (usable(host, selector)) {
                options.add(option(host));
            }
        }
        if (!hubNamespace.equals(namespace)) {
            for (DockerHost host : caches.hosts(hubNamespace)) {
                if (!names.contains(host.getMetadata().getName()) && usable(host, selector) && admits(host, namespace)) {
                    options.add(option(host));
                }
            }
        }
        return options;
    }

    /** A pinned host (dockerHostRef or the default): replicas go there whatever its state, as a DockerContainer's do. */
    static HostOption pinned(String name) {
        return HostOption.connected(name);
    }

    /**
     * Whether a host's update can change where a deployment's replicas go: its labels, its policy,
     * its deletion, or what {@link #option} reads of its status. A host's status is rewritten as
     * its heartbeats come (lastHeartbeatTime); each such write waking every deployment would make
     * hosts times deployments passes for nothing.
     */
    static boolean placementChanged(DockerHost newer, DockerHost older) {
        return !Objects.equals(newer.getMetadata().getLabels(), older.getMetadata().getLabels())
                || !Objects.equals(newer.getMetadata().getDeletionTimestamp(), older.getMetadata().getDeletionTimestamp())
                || !Objects.equals(policy(newer), policy(older))
                || !option(newer).equals(option(older));
    }

    private static HostPolicySpec policy(DockerHost host) {
        return host.getSpec() == null ? null : host.getSpec().getPolicy();
    }

    private static boolean usable(DockerHost host, LabelSelector selector) {
        return host.getMetadata().getDeletionTimestamp() == null
                && LabelSelectors.matches(selector, host.getMetadata().getLabels());
    }

    private static boolean admits(DockerHost host, String namespace) {
        HostPolicySpec policy = policy(host);
        List<String> allowed = policy == null || policy.allowedNamespaces() == null ? List.of()
                : policy.allowedNamespaces();
        return allowed.contains(namespace) || allowed.contains("*");
    }

    static HostOption option(DockerHost host) {
        DockerHostStatus status = host.getStatus();
        String name = host.getMetadata().getName();
        if (status == null) {
            return new HostOption(name, false, Optional.empty());
        }
        boolean ready = Conditions.find(status.getConditions(), Conditions.READY)
                .map(c -> "True".equals(c.getStatus())).orElse(false);
        Optional<java.time.Instant> disconnectedSince = "Disconnected".equals(status.getPhase())
                ? Conditions.find(status.getConditions(), Conditions.READY)
                        .flatMap(c -> Timestamps.parse(c.getLastTransitionTime()))
                        .or(() -> Timestamps.parse(status.getLastHeartbeatTime()))
                : Optional.empty();
        return new HostOption(name, "Connected".equals(status.getPhase()) && ready, disconnectedSince);
    }
}
