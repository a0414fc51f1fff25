package io.kdop.agent;

import picocli.CommandLine.IVersionProvider;

/** The agent's version, from the jar manifest (set by the build), "dev" when run from classes. */
public final class AgentVersion implements IVersionProvider {

    public static String current() {
        String version = AgentVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kdop-edge-agent " + current()};
    }
}
