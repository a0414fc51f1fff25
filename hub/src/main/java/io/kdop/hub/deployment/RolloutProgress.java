package io.kdop.hub.deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The Progressing and Available conditions of a DockerDeployment, with the reasons of a
 * Kubernetes Deployment, without I/O. Progress is a new revision, a replica created or an old one
 * removed, or more replicas available than before; a rollout without progress for
 * progressDeadlineSeconds is reported, not undone (the old replicas keep serving).
 */
public final class RolloutProgress {

    public static final String PROGRESSING = "Progressing";
    public static final String AVAILABLE = "Available";
    public static final String UPDATED = "ReplicaSetUpdated";
    public static final String COMPLETE = "NewReplicaSetAvailable";
    public static final String DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
    public static final String MINIMUM_AVAILABLE = "MinimumReplicasAvailable";
    public static final String MINIMUM_UNAVAILABLE = "MinimumReplicasUnavailable";

    private RolloutProgress() {}

    /** Replica counts at one instant; replicas excludes those being deleted. */
    public record Counts(String revision, int replicas, int updated, int ready, int available) {}

    /** A condition to set. */
    public record Verdict(boolean status, String reason, String message) {}

    /**
     * @param before the counts the last status recorded, if any
     * @param lastProgress when the last status says progress was made, if it says
     * @param stuck why new replicas are not available, for the message (may be empty)
     */
    public record Input(Optional<Counts> before, Optional<Instant> lastProgress, Counts now, int desired,
            int minAvailable, Duration deadline, String stuck, Instant at) {}

    /** The Progressing verdict and the new lastProgressTime. */
    public record Progress(Verdict verdict, Instant lastProgress) {}

    public static Progress progressing(Input in) {
        Counts now = in.now();
        boolean progressed = in.before().map(b -> !b.revision().equals(now.revision()) || b.updated() != now.updated()
                || b.replicas() != now.replicas() || now.available() > b.available()
                || now.replicas() - now.updated() < b.replicas() - b.updated()).orElse(true);
        Instant last = progressed || in.lastProgress().isEmpty() ? in.at() : in.lastProgress().get();
        boolean complete = now.updated() == in.desired() && now.replicas() == in.desired()
                && now.available() >= in.desired();
        if (complete) {
            return new Progress(new Verdict(true, COMPLETE, "revision " + now.revision() + " is rolled out: "
                    + now.available() + " of " + in.desired() + " replicas available"), last);
        }
        String counts = now.updated() + " of " + in.desired() + " replicas updated, " + now.available() + " available";
        String why = in.stuck().isEmpty() ? "" : "; " + in.stuck();
        if (!last.plus(in.deadline()).isAfter(in.at())) {
            return new Progress(new Verdict(false, DEADLINE_EXCEEDED, "revision " + now.revision()
                    + " made no progress for " + in.deadline().toSeconds() + "s (" + counts + ")" + why), last);
        }
        return new Progress(new Verdict(true, UPDATED, "revision " + now.revision() + " is rolling out: " + counts + why),
                last);
    }

    public static Verdict available(Counts now, int desired, int minAvailable) {
        return now.available() >= minAvailable
                ? new Verdict(true, MINIMUM_AVAILABLE, now.available() + " of " + desired
                        + " replicas available (at least " + minAvailable + " needed)")
                : new Verdict(false, MINIMUM_UNAVAILABLE, "only " + now.available() + " of " + desired
                        + " replicas available; at least " + minAvailable + " needed");
    }
}
