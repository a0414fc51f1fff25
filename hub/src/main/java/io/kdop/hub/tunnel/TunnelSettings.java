package io.kdop.hub.tunnel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * Where the hub listens for tunnelled Services' connections and what address their EndpointSlices
 * name.
 *
 * @param bindAddress where the tunnel listeners bind (all addresses by default: they are reached
 *     only through the cluster's Services; the agents' port is the only one exposed outside)
 * @param advertiseAddress the IPv4 address of this hub in the cluster's network (its pod IP)
 * @param firstPort the first hub port for tunnel listeners
 * @param lastPort the last one
 */
public record TunnelSettings(InetAddress bindAddress, String advertiseAddress, int firstPort, int lastPort) {

    /**
     * The address pods reach this hub at: the downward API's POD_IP in a pod; outside one, the
     * first IPv4 address of an interface that is up and not the loopback (an EndpointSlice may
     * not name a loopback address).
     */
    public static String detectAdvertiseAddress() {
        String podIp = System.getenv("POD_IP");
        if (podIp != null && !podIp.isBlank()) {
            return podIp;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: set --tunnel-address", e);
        }
        throw new IllegalStateException("no IPv4 address besides the loopback: set --tunnel-address");
    }
}
