package io.kdop.proto.policy;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.HostPathRule;
import io.kdop.proto.v1.HostPathRules;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What a DockerHost's owner lets workloads do on it (its spec.policy), as one decision about a
 * container spec. Pure, and shared: the hub decides with it before it places a workload, the agent
 * again before it creates a container. Unset fields keep the host open to its own namespace and
 * closed to every other; a set field applies to every workload, the host's own namespace included.
 *
 * @param allowedNamespaces namespaces besides the host's own whose workloads may run on it; "*" for any
 * @param hostPaths the host path prefixes that may be bind-mounted; empty when the policy does not set them
 * @param allowHostNetwork whether network mode host is allowed; empty when not set
 * @param allowContainerNetwork whether network mode container:NAME is allowed; empty when not set
 */
public record HostPolicy(String hostNamespace, String hostName, List<String> allowedNamespaces,
        Optional<List<PathRule>> hostPaths, Optional<Boolean> allowHostNetwork, Optional<Boolean> allowContainerNetwork) {

    /** The condition and status reason of a workload a host's policy refuses. */
    public static final String DENIED = "PolicyDenied";
    /** In allowedNamespaces: every namespace. */
    public static final String ANY_NAMESPACE = "*";

    /** One allowed host path prefix; read-only rules allow only read-only mounts. */
    public record PathRule(String pathPrefix, boolean readOnly) {}

    /** Why the policy refuses a spec: the policy field that refuses it, and a message naming host and field. */
    public record Denial(String field, String message) {}

    public HostPolicy {
        allowedNamespaces = List.copyOf(allowedNamespaces);
        hostPaths = hostPaths.map(List::copyOf);
    }

    /** The policy in a desired state's message; a default (absent) message is the all-defaults policy. */
    public static HostPolicy of(String hostNamespace, String hostName, io.kdop.proto.v1.HostPolicy message) {
        return new HostPolicy(hostNamespace, hostName, message.getAllowedNamespacesList(),
                message.hasHostPaths() ? Optional.of(message.getHostPaths().getRulesList().stream()
                        .map(r -> new PathRule(r.getPathPrefix(), r.getReadOnly())).toList()) : Optional.empty(),
                message.hasAllowHostNetwork() ? Optional.of(message.getAllowHostNetwork()) : Optional.empty(),
                message.hasAllowContainerNetwork() ? Optional.of(message.getAllowContainerNetwork()) : Optional.empty());
    }

    /** The policy as it travels to the agent in the desired state. */
    public io.kdop.proto.v1.HostPolicy toMessage() {
        io.kdop.proto.v1.HostPolicy.Builder b = io.kdop.proto.v1.HostPolicy.newBuilder()
                .addAllAllowedNamespaces(allowedNamespaces);
        hostPaths.ifPresent(rules -> b.setHostPaths(HostPathRules.newBuilder().addAllRules(rules.stream()
                .map(r -> HostPathRule.newBuilder().setPathPrefix(r.pathPrefix()).setReadOnly(r.readOnly()).build())
                .toList())));
        allowHostNetwork.ifPresent(b::setAllowHostNetwork);
        allowContainerNetwork.ifPresent(b::setAllowContainerNetwork);
        return b.build();
    }

    /** Why the policy refuses the spec, or empty when it allows it; paths are checked as written. */
    public Optional<Denial> check(ContainerSpec spec) {
        return check(spec, UnaryOperator.identity());
    }

    /**
     * As {@link #check(ContainerSpec)}, and each host path also as {@code resolve} gives it (the
     * agent resolves symbolic links, which Docker follows: a link under an allowed prefix must not
     * lead elsewhere).
     */
    public Optional<Denial> check(ContainerSpec spec, UnaryOperator<String> resolve) {
        String namespace = spec.getWorkload().getNamespace();
        boolean own = namespace.equals(hostNamespace);
        if (!own && !allowedNamespaces.contains(ANY_NAMESPACE) && !allowedNamespaces.contains(namespace)) {
            return deny("spec.policy.allowedNamespaces", host() + " does not take workloads of namespace " + namespace
                    + ": spec.policy.allowedNamespaces " + (allowedNamespaces.isEmpty()
                            ? "is not set, which allows only the host's own namespace " + hostNamespace
                            : "allows " + String.join(", ", allowedNamespaces) + " besides the host's own namespace "
                                    + hostNamespace));
        }
        for (HostMount mount : spec.getMountsList()) {
            Optional<Denial> denial = mount(mount.getHostPath(), mount.getHostPath(), mount.getReadOnly(), own);
            if (denial.isEmpty()) {
                // as written: ".." after a link climbs from the link's target, as in the kernel
                String resolved = resolve.apply(mount.getHostPath());
                if (!normalize(resolved).equals(normalize(mount.getHostPath()))) {
                    denial = mount(resolved, mount.getHostPath() + " (a link to " + resolved + ")", mount.getReadOnly(),
                            own);
                }
            }
            if (denial.isPresent()) {
                return denial;
            }
        }
        String mode = spec.getNetworkMode().strip().toLowerCase(Locale.ROOT);
        if (mode.equals("host") && !allowHostNetwork.orElse(own)) {
            return deny("spec.policy.allowHostNetwork", host() + " does not allow spec.networkMode host: "
                    + "spec.policy.allowHostNetwork " + unsetOrFalse(allowHostNetwork));
        }
        if (mode.startsWith("container:") && !allowContainerNetwork.orElse(own)) {
            return deny("spec.policy.allowContainerNetwork", host() + " does not allow spec.networkMode "
                    + spec.getNetworkMode().strip() + ": spec.policy.allowContainerNetwork "
                    + unsetOrFalse(allowContainerNetwork));
        }
        return Optional.empty();
    }

    private Optional<Denial> mount(String hostPath, String shown, boolean readOnly, boolean own) {
        String field = "spec.policy.hostPaths";
        Optional<String> path = normalize(hostPath);
        if (path.isEmpty()) {
            return deny(field, host() + " does not allow host path " + shown + ": it is not an absolute path");
        }
        List<PathRule> rules = hostPaths.orElse(own ? List.of(new PathRule("/", false)) : List.of());
        List<PathRule> matching = rules.stream()
                .filter(r -> normalize(r.pathPrefix()).filter(prefix -> under(path.get(), prefix)).isPresent())
                .toList();
        if (matching.isEmpty()) {
            return deny(field, host() + " does not allow host path " + shown + " (spec.volumeMounts): " + field + " "
                    + (hostPaths.isEmpty()
                            ? "is not set, which allows host paths only to the host's own namespace " + hostNamespace
                            : rules.isEmpty() ? "allows none" : "allows " + describe(rules)));
        }
        if (!readOnly && matching.stream().allMatch(PathRule::readOnly)) {
            return deny(field, host() + " allows host path " + shown + " only read-only (" + field + ": "
                    + describe(matching) + "); set readOnly: true on the volume mount");
        }
        return Optional.empty();
    }

    /**
     * The absolute path with "." and ".." and repeated slashes resolved as written (no file system
     * involved), or empty for a path that is not absolute.
     */
    static Optional<String> normalize(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                parts.pollLast(); // above the root is the root, as for the kernel
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
        }
        return Optional.of("/" + String.join("/", parts));
    }

    /** Whether the path is the prefix or below it, at a component boundary: /etc is not a prefix of /etcd. */
    static boolean under(String path, String prefix) {
        return prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private String host() {
        return "DockerHost " + hostNamespace + "/" + hostName;
    }

    private String unsetOrFalse(Optional<Boolean> setting) {
        return setting.isPresent() ? "is false"
                : "is not set, which allows it only to the host's own namespace " + hostNamespace;
    }

    private static String describe(List<PathRule> rules) {
        return rules.stream().map(r -> r.pathPrefix() + (r.readOnly() ? " (read-only)" : ""))
                .collect(Collectors.joining(", "));
    }

    private static Optional<Denial> deny(String field, String message) {
        return Optional.of(new Denial(field, message));
    }
}
