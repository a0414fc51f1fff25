package io.kdop.hub.join;

import io.kdop.proto.JoinToken;

/**
 * The one-line commands that start an agent with a join token, as published to the user. The
 * token travels in an environment variable, not an argument, so `ps` on the host does not show it.
 */
public record JoinInstructions(String hubAddress, String agentImage) {

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
        return "KDOP_JOIN_TOKEN=" + token.encode() + " java --sun-misc-unsafe-memory-access=allow"
                + " -jar kdop-edge-agent.jar join --hub " + hubAddress + " --state-dir /var/lib/kdop-agent";
    }
}
