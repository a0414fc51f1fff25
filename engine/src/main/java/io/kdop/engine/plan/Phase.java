package io.kdop.engine.plan;

/** The phases of a workload status (WorkloadStatus.phase), spelled as the CR status shows them. */
public enum Phase {
    /** Nothing done yet, or waiting (for Docker, for a name to be freed). */
    Pending,
    /** The image is being pulled. */
    Pulling,
    /** The container is being created, or was created and not yet started. */
    Creating,
    /** The container runs (also when paused: see the message). */
    Running,
    /** Docker is restarting the container under its restart policy. */
    Restarting,
    /** The container exited and its restart policy (no, on-failure) leaves it so. */
    Exited,
    /** The agent cannot make the container as desired: see the reason and message. For a job: it failed for good. */
    Failed,
    /** A job: an attempt exited with code 0. Final. */
    Succeeded,
    /**
     * The workload is no longer desired and its container is still there (its removal is under
     * way or failed: see the reason). A workload absent from a report is gone from the host.
     */
    Removing
}
