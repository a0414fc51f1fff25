package io.kdop.hub.join;

import io.kdop.proto.JoinToken;

/**
 * The one-line commands that start an agent with a join token, as published to the user. The
 * token travels in an environment variable, not an argument, so `ps` on the host does not show it.
 */
public record JoinInstructions(String hubAddress, String agentImage) {

    /**
     * The JVM options of the published jar command: the agent's memory is a feature (see
     * docs/benchmarks.md, about 40 % less resident memory than a plain {@code java -jar}). The
     * heap starts at 8 MiB and grows only as far as the host's workloads need, up to 128 MiB, and
     * is given back when it is free; one GC thread, C1 only and a small code cache suit a process
     * that mostly waits. netty uses sun.misc.Unsafe for its buffers; Java 25 warns unless allowed.
     */
    /** Where the agent keeps its identity, desired state and job records on a Docker host. */
    public static final String STATE_DIR = "/var/lib/kdop-agent";

    public static final java.util.List<String> AGENT_JVM_OPTIONS = java.util.List.of("-Xms8m", "-Xmx128m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+UseCompactObjectHeaders", "-XX:ReservedCodeCacheSize=16m", "--sun-misc-unsafe-memory-access=allow");

    /**
     * Runs the agent image as a container that comes back after a crash, a reboot or a Docker
     * restart. The token goes into a file only root and the agent's user can read, not into the
     * container's environment, so `docker inspect` never shows it; it is spent at the first join.
     * The agent runs as its image's non-root user with the Docker socket's group, in the host's
     * network (it reaches containers' published and host-network ports as on the host) and with
     * its state directory at the same path inside and out, so Docker resolves the agent's bind
     * mounts (secret files) on the host.
     */
    public String dockerCommand(JoinToken token) {
        return "install -d -m 700 -o 65532 -g 65532 " + STATE_DIR
                + " && (umask 077; printf '%s' " + token.encode() + " > " + STATE_DIR + "/join-token)"
                + " && chown 65532:65532 " + STATE_DIR + "/join-token"
                + " && docker run -d --name kdop-agent --restart unless-stopped --network host"
                + " --group-add $(stat -c %g /var/run/docker.sock)"
                + " -v /var/run/docker.sock:/var/run/docker.sock -v " + STATE_DIR + ":" + STATE_DIR
                + " " + agentImage + " join --hub " + hubAddress + " --state-dir " + STATE_DIR
                + " --token-file " + STATE_DIR + "/join-token";
    }

    /** Runs the agent from its jar (JDK 25), e.g. under systemd: the command that works everywhere today. */
    public String jarCommand(JoinToken token) {
        return "KDOP_JOIN_TOKEN=" + token.encode() + " java " + String.join(" ", AGENT_JVM_OPTIONS)
                + " -jar kdop-edge-agent.jar join --hub " + hubAddress + " --state-dir " + STATE_DIR;
    }
}
