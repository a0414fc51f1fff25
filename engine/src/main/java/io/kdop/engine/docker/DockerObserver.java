package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.NetworkSettings;
import com.github.dockerjava.api.model.Ports;
import io.kdop.engine.plan.ContainerConfig;
import io.kdop.engine.plan.HealthConfig;
import io.kdop.engine.plan.ImageDefaults;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.engine.plan.NameHolder;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.ObservedState;
import io.kdop.engine.plan.PortMapping;
import io.kdop.engine.plan.RuntimeState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the observed state from Docker, afresh on every call: this host's managed containers
 * (inspected one by one), the other containers holding wanted names, which wanted images are
 * present, and the defaults of the images the managed containers run.
 */
public final class DockerObserver {

    /** Docker's zero time, which it reports for a container that never started. */
    private static final String NEVER = "0001-01-01T00:00:00Z";

    private final DockerClient client;
    private final String hostUid;

    public DockerObserver(DockerClient client, String hostUid) {
        this.client = client;
        this.hostUid = hostUid;
    }

    /**
     * @param wantedNames the container names of the desired workloads
     * @param wantedImages the image references of the desired workloads
     */
    public ObservedState observe(Set<String> wantedNames, Set<String> wantedImages) {
        List<ObservedContainer> managed = new ArrayList<>();
        Map<String, NameHolder> holders = new HashMap<>();
        for (Container c : client.listContainersCmd().withShowAll(true).exec()) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            if (ours(labels)) {
                inspect(c.getId()).ifPresent(managed::add);
                continue;
            }
            String name = name(c.getNames());
            if (wantedNames.contains(name)) {
                boolean kdop = ManagedContainers.MANAGED_BY_VALUE.equals(labels.get(ManagedContainers.MANAGED_BY));
                holders.put(name, new NameHolder(c.getId(), name,
                        kdop ? labels.getOrDefault(ManagedContainers.HOST_UID, "(none)") : ""));
            }
        }
        Set<String> present = new HashSet<>();
        for (String image : wantedImages) {
            if (imageDefaults(image) != null) {
                present.add(image);
            }
        }
        Map<String, ImageDefaults> defaults = new HashMap<>();
        for (ObservedContainer c : managed) {
            if (!defaults.containsKey(c.imageId())) {
                ImageDefaults d = imageDefaults(c.imageId());
                if (d != null) {
                    defaults.put(c.imageId(), d);
                }
            }
        }
        return new ObservedState(managed, holders, present, defaults);
    }

    /**
     * This host's managed containers of one workload, afresh: what a job's next step is decided
     * on right after the previous step changed them.
     */
    public List<ObservedContainer> managedOf(String workloadUid) {
        List<ObservedContainer> managed = new ArrayList<>();
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE,
                        ManagedContainers.HOST_UID, hostUid, ManagedContainers.WORKLOAD_UID, workloadUid))
                .exec()) {
            inspect(c.getId()).ifPresent(managed::add);
        }
        return managed;
    }

    /** True when Docker has the image (by reference or id). */
    public boolean imagePresent(String image) {
        return imageDefaults(image) != null;
    }

    private boolean ours(Map<String, String> labels) {
        return ManagedContainers.MANAGED_BY_VALUE.equals(labels.get(ManagedContainers.MANAGED_BY))
                && hostUid.equals(labels.get(ManagedContainers.HOST_UID));
    }

    private java.util.Optional<ObservedContainer> inspect(String id) {
        InspectContainerResponse r;
        try {
            r = client.inspectContainerCmd(id).exec();
        } catch (NotFoundException e) {
            return java.util.Optional.empty(); // removed since the listing
        }
        var config = r.getConfig();
        HostConfig host = r.getHostConfig() == null ? HostConfig.newHostConfig() : r.getHostConfig();
        var restart = host.getRestartPolicy();
        ContainerConfig cc = new ContainerConfig(
                orEmpty(config.getImage()),
                list(config.getCmd()),
                list(config.getEntrypoint()),
                list(config.getEnv()),
                restart == null ? "" : restart.getName(),
                restart == null || restart.getMaximumRetryCount() == null ? 0 : restart.getMaximumRetryCount(),
                ports(host.getPortBindings()),
                binds(host.getBinds()),
                health(config.getHealthcheck()),
                host.getNanoCPUs() == null ? 0 : host.getNanoCPUs(),
                host.getMemory() == null ? 0 : host.getMemory(),
                orEmpty(host.getNetworkMode()));
        var s = r.getState();
        String startedAt = orEmpty(s.getStartedAt());
        String finishedAt = orEmpty(s.getFinishedAt());
        RuntimeState state = new RuntimeState(
                orEmpty(s.getStatus()),
                s.getHealth() == null ? "" : orEmpty(s.getHealth().getStatus()),
                ipv4(r.getNetworkSettings()),
                r.getRestartCount() == null ? 0 : r.getRestartCount(),
                startedAt.equals(NEVER) ? "" : startedAt,
                s.getExitCodeLong() == null ? 0 : s.getExitCodeLong().intValue(),
                Boolean.TRUE.equals(s.getOOMKilled()),
                orEmpty(s.getError()),
                finishedAt.equals(NEVER) ? "" : finishedAt);
        String name = orEmpty(r.getName());
        return java.util.Optional.of(new ObservedContainer(r.getId(), name.startsWith("/") ? name.substring(1) : name,
                config.getLabels() == null ? Map.of() : config.getLabels(), orEmpty(r.getImageId()), cc, state));
    }

    /** The image's defaults, or null when Docker does not have it. */
    private ImageDefaults imageDefaults(String image) {
        if (image == null || image.isBlank()) {
            return null; // Docker answers an empty reference with its image list, not an error
        }
        InspectImageResponse r;
        try {
            r = client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            return null;
        }
        var c = r.getConfig();
        if (c == null) {
            return new ImageDefaults(List.of(), List.of(), List.of(), null);
        }
        return new ImageDefaults(list(c.getCmd()), list(c.getEntrypoint()), list(c.getEnv()), health(c.getHealthcheck()));
    }

    private static List<PortMapping> ports(Ports ports) {
        List<PortMapping> result = new ArrayList<>();
        if (ports == null) {
            return result;
        }
        for (Map.Entry<ExposedPort, Ports.Binding[]> e : ports.getBindings().entrySet()) {
            if (e.getValue() == null) {
                continue; // exposed, not published
            }
            for (Ports.Binding b : e.getValue()) {
                result.add(PortMapping.of(b.getHostIp(), b.getHostPortSpec(), e.getKey().getPort(),
                        e.getKey().getProtocol().toString()));
            }
        }
        return result;
    }

    private static List<String> binds(Bind[] binds) {
        if (binds == null) {
            return List.of();
        }
        return Arrays.stream(binds)
                .map(b -> ContainerConfig.bind(b.getPath(), b.getVolume().getPath(),
                        b.getAccessMode() == com.github.dockerjava.api.model.AccessMode.ro))
                .toList();
    }

    private static HealthConfig health(HealthCheck h) {
        if (h == null || h.getTest() == null && h.getInterval() == null && h.getTimeout() == null && h.getRetries() == null
                && h.getStartPeriod() == null) {
            return null;
        }
        return new HealthConfig(h.getTest() == null ? List.of() : h.getTest(), zero(h.getInterval()), zero(h.getTimeout()),
                h.getRetries() == null ? 0 : h.getRetries(), zero(h.getStartPeriod()));
    }

    /** The container's IPv4: the default bridge's, else the first network's by name. */
    private static String ipv4(NetworkSettings n) {
        if (n == null) {
            return "";
        }
        if (n.getNetworks() != null) {
            ContainerNetwork bridge = n.getNetworks().get("bridge");
            if (bridge != null && bridge.getIpAddress() != null && !bridge.getIpAddress().isEmpty()) {
                return bridge.getIpAddress();
            }
            for (ContainerNetwork net : new TreeMap<>(n.getNetworks()).values()) {
                if (net.getIpAddress() != null && !net.getIpAddress().isEmpty()) {
                    return net.getIpAddress();
                }
            }
        }
        return "";
    }

    private static String name(String[] names) {
        if (names == null || names.length == 0) {
            return "";
        }
        String n = names[0];
        return n.startsWith("/") ? n.substring(1) : n;
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : List.of(values);
    }

    private static long zero(Long value) {
        return value == null ? 0 : value;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
