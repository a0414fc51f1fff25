package io.kdop.engine.plan;

/**
 * A container that is not this host's own but holds a name some desired workload wants.
 *
 * @param otherHostUid "" when the container carries no kdop labels at all; otherwise the host UID
 *     label of the kdop agent identity that created it (another DockerHost, or this one before it
 *     was deleted and created again)
 */
public record NameHolder(String containerId, String name, String otherHostUid) {

    /** What a status message says about it. */
    public String describe() {
        return otherHostUid.isEmpty()
                ? "a container named " + name + " that kdop did not create holds the name; it is left alone"
                : "a container named " + name + " created by kdop for another DockerHost identity (host UID "
                        + otherHostUid + ") holds the name; it is left alone";
    }
}
