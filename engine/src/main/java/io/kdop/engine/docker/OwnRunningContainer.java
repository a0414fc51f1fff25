package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.proto.v1.ContainerSpec;
import java.util.Map;

/**
 * A workload's container as Docker shows it at the moment of a tunnel connection: found only if
 * it is this host's (its host label) and this workload's (its uid label), and running.
 */
final class OwnRunningContainer {

    private OwnRunningContainer() {}

    /** The container, or why a tunnel cannot reach it. */
    sealed interface Found {
        record Running(InspectContainerResponse container) implements Found {}

        record Not(ContainerAddresses.Resolution.Unreachable why) implements Found {}
    }

    /** Where {@code reach} says, given the container, or why there is no container to reach. */
    static ContainerAddresses.Resolution reach(DockerClient docker, String hostUid, ContainerSpec container,
            java.util.function.Function<InspectContainerResponse, ContainerAddresses.Resolution> reach) {
        return switch (inspect(docker, hostUid, container)) {
            case Found.Not not -> not.why();
            case Found.Running running -> reach.apply(running.container());
        };
    }

    private static Found inspect(DockerClient docker, String hostUid, ContainerSpec container) {
        String name = container.getContainerName();
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(name).exec();
        } catch (NotFoundException e) {
            return not("container " + name + " does not exist (yet)");
        } catch (RuntimeException e) {
            return not("cannot read container " + name + " from Docker: " + DockerErrors.describe(e));
        }
        Map<String, String> labels = c.getConfig() == null || c.getConfig().getLabels() == null ? Map.of()
                : c.getConfig().getLabels();
        if (!hostUid.equals(labels.get(ManagedContainers.HOST_UID))
                || !container.getWorkload().getUid().equals(labels.get(ManagedContainers.WORKLOAD_UID))) {
            return not("container " + name + " is not this workload's");
        }
        if (c.getState() == null || !Boolean.TRUE.equals(c.getState().getRunning())) {
            return not("container " + name + " is not running");
        }
        return new Found.Running(c);
    }

    private static Found not(String why) {
        return new Found.Not(new ContainerAddresses.Resolution.Unreachable(why));
    }
}
