package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.kdop.proto.v1.ContainerSpec;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Where a tunnel reaches a container, read from Docker at the moment of the connection: its IP
 * on its network (the network its mode names, e.g. the seed's {@code kind}, else the first with
 * an address), 127.0.0.1 in host network mode, the other container's IP in {@code container:}
 * mode. Only containers of this agent (by its host label and the workload's uid) are reached.
 */
public final class DockerAddresses implements ContainerAddresses {

    private final DockerClient docker;
    private final String hostUid;

    public DockerAddresses(DockerClient docker, String hostUid) {
        this.docker = docker;
        this.hostUid = hostUid;
    }

    @Override
    public Resolution resolve(ContainerSpec container, int port) {
        return OwnRunningContainer.reach(docker, hostUid, container, c -> reach(c, container.getContainerName(), port));
    }

    private Resolution reach(InspectContainerResponse c, String name, int port) {
        String mode = c.getHostConfig() == null ? "" : String.valueOf(c.getHostConfig().getNetworkMode());
        if ("host".equals(mode)) {
            return new Resolution.Address(new InetSocketAddress("127.0.0.1", port));
        }
        if ("none".equals(mode)) {
            return new Resolution.Unreachable("container " + name + " has network mode none: nothing can reach it");
        }
        if (mode.startsWith("container:")) {
            return ipOf(inspectQuietly(mode.substring("container:".length())), "")
                    .map(ip -> (Resolution) new Resolution.Address(new InetSocketAddress(ip, port)))
                    .orElse(new Resolution.Unreachable("the container whose network " + name + " shares has no address"));
        }
        return ipOf(Optional.of(c), mode)
                .map(ip -> (Resolution) new Resolution.Address(new InetSocketAddress(ip, port)))
                .orElse(new Resolution.Unreachable("container " + name + " has no IPv4 address on its network"));
    }

    private Optional<InspectContainerResponse> inspectQuietly(String nameOrId) {
        try {
            return Optional.of(docker.inspectContainerCmd(nameOrId).exec());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The address on the named network, or on the first network that gave one. */
    private static Optional<String> ipOf(Optional<InspectContainerResponse> container, String network) {
        Map<String, ContainerNetwork> networks = container.map(InspectContainerResponse::getNetworkSettings)
                .map(s -> s.getNetworks()).orElse(Map.of());
        ContainerNetwork named = networks.get(network);
        if (named != null && named.getIpAddress() != null && !named.getIpAddress().isBlank()) {
            return Optional.of(named.getIpAddress());
        }
        return networks.values().stream().map(ContainerNetwork::getIpAddress)
                .filter(ip -> ip != null && !ip.isBlank()).findFirst();
    }
}
