package io.kdop.engine.docker;

import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.ManagedContainer;
import java.util.List;

/** The host and its managed containers as Docker reported them at one moment. */
public record HostSnapshot(HostFacts facts, List<ManagedContainer> inventory) {

    /** Before Docker answered at all: empty facts (docker_version "") and no inventory. */
    public static final HostSnapshot UNKNOWN = new HostSnapshot(HostFacts.getDefaultInstance(), List.of());

    public HostSnapshot {
        inventory = List.copyOf(inventory);
    }
}
