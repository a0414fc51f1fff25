package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.kdop.proto.v1.ContainerSpec;
import java.net.InetSocketAddress;

/**
 * Where a tunnel reaches a container port on a Docker host the hub dials directly (a direct host):
 * the host's address (from spec.hostURL) and the port Docker published it on, read from Docker at
 * the moment of the connection; the port itself in host network mode. Container addresses on the
 * host's Docker networks are not reachable from the hub, so an unpublished port is unreachable,
 * and says so.
 */
public final class PublishedPorts implements ContainerAddresses {

    private final DockerClient docker;
    private final String hostUid;
    private final String hostAddress;

    /** @param hostAddress the direct host's address as the hub dials it (127.0.0.1 for a Unix socket) */
    public PublishedPorts(DockerClient docker, String hostUid, String hostAddress) {
        this.docker = docker;
        this.hostUid = hostUid;
        this.hostAddress = hostAddress;
    }

    @Override
    public Resolution resolve(ContainerSpec container, int port) {
        return OwnRunningContainer.reach(docker, hostUid, container, c -> reach(c, container.getContainerName(), port));
    }

    private Resolution reach(InspectContainerResponse c, String name, int port) {
        if (c.getHostConfig() != null && "host".equals(c.getHostConfig().getNetworkMode())) {
            return new Resolution.Address(new InetSocketAddress(hostAddress, port));
        }
        Ports ports = c.getNetworkSettings() == null ? null : c.getNetworkSettings().getPorts();
        Ports.Binding[] bindings = ports == null ? null : ports.getBindings().get(ExposedPort.tcp(port));
        if (bindings != null) {
            for (Ports.Binding b : bindings) {
                String ip = b.getHostIp();
                if (b.getHostPortSpec() != null && !b.getHostPortSpec().isBlank() && (ip == null || ip.isBlank()
                        || ip.equals("0.0.0.0") || ip.equals("::") || ip.equals(hostAddress))) {
                    return new Resolution.Address(new InetSocketAddress(hostAddress,
                            Integer.parseInt(b.getHostPortSpec())));
                }
            }
        }
        return new Resolution.Unreachable("container port " + port + "/tcp of " + name + " is not published on "
                + "all of the host's addresses; publish it in spec.ports");
    }
}
