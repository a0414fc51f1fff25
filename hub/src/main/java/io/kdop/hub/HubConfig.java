package io.kdop.hub;

import java.time.Duration;
import java.util.List;

/** The hub's settings, from its command line. */
public record HubConfig(
        String namespace,
        int grpcPort,
        String publicAddress,
        List<String> tlsSans,
        Duration heartbeatInterval,
        Duration heartbeatGrace,
        Duration clientCertificateTtl,
        Duration joinTokenTtl,
        String caSecretName,
        String agentImage,
        io.kdop.hub.tunnel.TunnelSettings tunnels,
        int joinRatePerPeer,
        io.kdop.hub.direct.DirectHostsAllowed directHosts) {}
