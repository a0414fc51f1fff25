package io.kdop.agent;

import picocli.CommandLine.IVersionProvider;

/** The agent's version, from the jar manifest (set by the build), "dev" when run from classes. */
public final class AgentVersion implements IVersionProvider {

    public static String current() {
        return io.kdop.proto.KdopVersion.of(AgentVersion.class);
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kdop-edge-agent " + current()};
    }
}
