package io.kdop.hub.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A kdop resource that runs on one DockerHost, named by its spec.dockerHostRef. */
// Deliberately not a HasMetadata: Jackson would then find HasMetadata's polymorphic deserializer
// on the resource classes before CustomResource's own, and recurse.
public interface HostBound {

    /** The spec's dockerHostRef as written (null or blank: the host called default). */
    @JsonIgnore
    String dockerHostRef();
}
