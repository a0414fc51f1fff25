package io.kdop.hub.direct;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.kdop.engine.docker.ContainerAddresses.Resolution;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.proto.v1.ContainerSpec;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Where the hub connects to reach a container port on a direct host: the host's address (from
 * spec.hostURL) and the port Docker published it on, read from Docker at the moment of the
 * connection; the port itself in host network mode. Container addresses on the host's Docker
 * networks are not reachable from the hub, so an unpublished port is unreachable, and says so.
 */
final class PublishedPorts {

    private final DockerClient docker;
    private final String hostUid;
    private final String hostAddress;

    /** @param hostAddress the direct host's address as the hub dials it (127.0.0.1 for a Unix socket) */
    PublishedPorts(DockerClient docker, String hostUid, String hostAddress) {
        this.docker = docker;
        this.hostUid = hostUid;
        this.hostAddress = hostAddress;
    }

    Resolution resolve(ContainerSpec container, int port) {
        String name = container.getContainerName();
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(name).exec();
        } catch (NotFoundException e) {
            return new Resolution.Unreachable("container " + name + " does not exist (yet)");
        } catch (RuntimeException e) {
            return new Resolution.Unreachable("cannot read container " + name + " from Docker: "
                    + DockerErrors.describe(e));
        }
        Map<String, String> labels = c.getConfig() == null || c.getConfig().getLabels() == null ? Map.of()
                : c.getConfig().getLabels();
        if (!hostUid.equals(labels.get(ManagedContainers.HOST_UID))
                || !container.getWorkload().getUid().equals(labels.get(ManagedContainers.WORKLOAD_UID))) {
            return new Resolution.Unreachable("container " + name + " is not this workload's");
        }
        if (c.getState() == null || !Boolean.TRUE.equals(c.getState().getRunning())) {
            return new Resolution.Unreachable("container " + name + " is not running");
        }
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
