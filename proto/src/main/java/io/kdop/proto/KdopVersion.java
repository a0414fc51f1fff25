package io.kdop.proto;

/**
 * kdop's version as the build stamped it into a jar's manifest (Implementation-Version: the Maven
 * project version, one for hub, agent, chart and images), or "dev" when run from classes.
 */
public final class KdopVersion {

    private KdopVersion() {}

    /** The version of the jar that holds this class. */
    public static String of(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
