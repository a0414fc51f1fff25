package io.kdop.engine.docker;

/** Reads the current facts and inventory of the host; never throws, never caches. */
@FunctionalInterface
public interface HostInspector {

    /** A fresh snapshot; when Docker is unreachable, facts with an empty docker_version. */
    HostSnapshot inspect();
}
