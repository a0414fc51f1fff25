package io.kdop.agent.docker;

import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.ManagedContainer;
import java.util.List;

/** The host and its managed containers as Docker reported them at one moment. */
public record HostSnapshot(HostFacts facts, List<ManagedContainer> inventory) {

    public HostSnapshot {
        inventory = List.copyOf(inventory);
    }
}
