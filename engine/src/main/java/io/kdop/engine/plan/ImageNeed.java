package io.kdop.engine.plan;

import io.kdop.proto.v1.PullPolicy;

/**
 * What a pull policy asks of an image, given whether the host has it: the one decision a
 * container's plan and a job's attempt share.
 */
public enum ImageNeed {
    /** Pull it first (policy Always, or the image is missing). */
    PULL,
    /** Use the image the host has. */
    PRESENT,
    /** Missing, and the policy is Never: nothing can run. */
    MISSING;

    /** The need for an image under {@code policy}, the host having it or not. */
    public static ImageNeed of(PullPolicy policy, boolean present) {
        if (policy == PullPolicy.PULL_ALWAYS) {
            return PULL;
        }
        if (present) {
            return PRESENT;
        }
        return policy == PullPolicy.PULL_NEVER ? MISSING : PULL;
    }

    /** What a workload's status says when its image is {@link #MISSING}. */
    public static String missing(String image) {
        return "image " + image + " is not on the host and the pull policy is Never";
    }
}
