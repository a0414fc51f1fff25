package io.kdop.agent.reconcile;

/** The machine-readable reasons of a Failed workload status (WorkloadStatus.reason). */
public enum Reason {
    /** The image could not be pulled: no such image, unauthorized, registry unreachable. */
    ImagePullFailed,
    /** The image is not on the host and the pull policy is Never. */
    ImageNotPresent,
    /** The container name is held by a container this agent did not create. */
    NameConflict,
    /** Docker refused to create the container, or its secret files could not be written. */
    CreateFailed,
    /** Docker created the container but could not start it (e.g. a published port in use). */
    StartFailed,
    /** The secret files of the workload could not be written. */
    SecretFilesFailed,
    /** A container to be replaced or removed could not be removed. */
    RemoveFailed,
    /** The spec cannot be run as sent (see SpecCheck). */
    InvalidSpec
}
