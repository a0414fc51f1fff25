package io.kdop.engine.plan;

import java.util.Comparator;
import java.util.Locale;

/**
 * One published port in a canonical form, so that what kdop asked for and what Docker reports
 * compare equal: host address "" for all addresses, host port 0 for "Docker chooses", protocol
 * "tcp" or "udp" in lower case.
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol)
        implements Comparable<PortMapping> {

    private static final Comparator<PortMapping> ORDER = Comparator.comparing(PortMapping::protocol)
            .thenComparingInt(PortMapping::containerPort)
            .thenComparing(PortMapping::hostIp)
            .thenComparingInt(PortMapping::hostPort);

    public PortMapping {
        // "0.0.0.0" and "" both mean every address: Docker keeps whichever it was given
        hostIp = hostIp == null || hostIp.equals("0.0.0.0") ? "" : hostIp;
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
    }

    /** From Docker's strings, where an empty host port means "Docker chooses". */
    public static PortMapping of(String hostIp, String hostPort, int containerPort, String protocol) {
        int port = hostPort == null || hostPort.isEmpty() ? 0 : Integer.parseInt(hostPort);
        return new PortMapping(hostIp, port, containerPort, protocol);
    }

    @Override
    public int compareTo(PortMapping other) {
        return ORDER.compare(this, other);
    }
}
