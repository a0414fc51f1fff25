package io.kdop.hub.join;

import io.kdop.proto.JoinToken;

/** The one-line commands that start an agent with a join token, as published to the user. */
public record JoinInstructions(String hubAddress, String agentImage) {

    /**
     * Runs the agent as a container with the Docker socket mounted; its identity lives in a named
     * volume. Needs the agent image (--agent-image), which kdop does not publish yet.
     */
    public String dockerCommand(JoinToken token) {
        return "docker run -d --name kdop-agent --restart unless-stopped"
                + " -v /var/run/docker.sock:/var/run/docker.sock -v kdop-agent:/var/lib/kdop-agent "
                + agentImage + " join --hub " + hubAddress + " --token " + token.encode();
    }

    /** Runs the agent from its jar (JDK 25), e.g. under systemd: the command that works everywhere today. */
    public String jarCommand(JoinToken token) {
        return "java --sun-misc-unsafe-memory-access=allow -jar kdop-edge-agent.jar join --hub " + hubAddress + " --token " + token.encode()
                + " --state-dir /var/lib/kdop-agent";
    }
}
