package io.kdop.engine.docker;

import io.kdop.proto.v1.ContainerSpec;
import java.net.InetSocketAddress;

/** Where the agent connects to reach a port of one of its containers. */
@FunctionalInterface
public interface ContainerAddresses {

    /** The address, or why there is none. */
    sealed interface Resolution {
        record Address(InetSocketAddress address) implements Resolution {}

        record Unreachable(String why) implements Resolution {}
    }

    Resolution resolve(ContainerSpec container, int port);

    /** For an agent that runs no containers (tests of the session). */
    ContainerAddresses NONE = (container, port) -> new Resolution.Unreachable("this agent runs no containers");
}
