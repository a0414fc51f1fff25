package io.kdop.engine.plan;

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
    InvalidSpec,
    /**
     * A host mount is refused: on the host its path is, lies inside or contains what the agent
     * guards (its state directory, a Docker or containerd socket, their data, /proc, /sys), or it
     * cannot be resolved there (see MountGuard). Nothing is created.
     */
    HostPathRefused,
    /** The host's policy (the DockerHost's spec.policy) refuses the workload (see PolicyGate). */
    PolicyDenied,
    /** A job: its last allowed attempt failed (backoff_limit + 1 attempts ran). */
    BackoffLimitExceeded,
    /** A job: active_deadline_seconds passed before it finished; its running attempt was killed. */
    DeadlineExceeded,
    /**
     * A job: its record on disk could not be read and no container of it is left, so the agent
     * cannot tell whether it ran; it is not run (again) blindly.
     */
    JobRecordUnreadable,
    /**
     * A job: the hub saw it begin on this host, but the agent has neither its record nor a
     * container of it (the state directory was lost); it is not run again.
     */
    RecordLost,
    /** A job: its record could not be written, so the step it announces was not taken (retried). */
    JobRecordWriteFailed
}
