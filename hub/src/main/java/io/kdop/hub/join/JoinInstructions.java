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
    public static final java.util.List<String> AGENT_JVM_OPTIONS = java.util.List.of("-Xms8m", "-Xmx128m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+UseCompactObjectHeaders", "-XX:ReservedCodeCacheSize=16m", "--sun-misc-unsafe-memory-access=allow");

    /**
     * Runs the agent as a container with the Docker socket and its state directory mounted. Needs
     * the agent image (--agent-image), which kdop does not publish yet.
     */
    public String dockerCommand(JoinToken token) {
        return "docker run -d --name kdop-agent --restart unless-stopped"
                // the state directory at the same path inside and out: Docker resolves the agent's
                // bind mounts (secret files) on the host
                + " -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/kdop-agent:/var/lib/kdop-agent"
                + " -e KDOP_JOIN_TOKEN=" + token.encode() + " " + agentImage + " join --hub " + hubAddress;
    }

    /** Runs the agent from its jar (JDK 25), e.g. under systemd: the command that works everywhere today. */
    public String jarCommand(JoinToken token) {
        return "KDOP_JOIN_TOKEN=" + token.encode() + " java " + String.join(" ", AGENT_JVM_OPTIONS)
                + " -jar kdop-edge-agent.jar join --hub " + hubAddress + " --state-dir /var/lib/kdop-agent";
    }
}
