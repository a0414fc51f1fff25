package io.kdop.hub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * A DockerHost's spec.policy: which namespaces may place workloads on the host and what they may
 * do there. Unset fields keep the host open to its own namespace and closed to every other; a set
 * field applies to every workload. (NON_NULL, not NON_EMPTY: "hostPaths: []" means "none".)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostPolicySpec(
        @JsonPropertyDescription("Namespaces besides the host's own whose DockerContainers and DockerJobs may run on "
                + "this host; \"*\" for any namespace. Default: only the host's own namespace.")
        List<String> allowedNamespaces,

        @JsonPropertyDescription("The host path prefixes workloads may bind-mount (volumeMounts.hostPath), matched at "
                + "path boundaries: /data allows /data/x, not /database. Once set, it applies to every namespace, "
                + "the host's own included; [] allows none. Default: any path, read-write, for the host's own "
                + "namespace and none for others.")
        List<HostPathRule> hostPaths,

        @JsonPropertyDescription("Whether workloads may use networkMode host. Default: only those of the host's own "
                + "namespace.")
        Boolean allowHostNetwork,

        @JsonPropertyDescription("Whether workloads may use networkMode container:<name>, which joins any container "
                + "of the host, another team's included. Default: only those of the host's own namespace.")
        Boolean allowContainerNetwork) {}
