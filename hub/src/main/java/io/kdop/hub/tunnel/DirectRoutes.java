package io.kdop.hub.tunnel;

import io.kdop.proto.v1.WorkloadRef;
import java.nio.channels.SocketChannel;

/**
 * Carries a connection to a workload's port on a host the hub reaches itself, without an agent:
 * a direct host (spec.hostURL), whose containers' published ports the hub dials.
 */
@FunctionalInterface
public interface DirectRoutes {

    /**
     * Takes the connection if the host is one the hub reaches itself, and then carries it or
     * resets it; false (connection untouched) for a host with an agent.
     */
    boolean carry(String hostKey, WorkloadRef workload, int port, SocketChannel client);

    /** No direct hosts. */
    DirectRoutes NONE = (hostKey, workload, port, client) -> false;
}
