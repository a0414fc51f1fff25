package io.kdop.agent.session;

import java.time.Duration;
import java.util.Optional;

/** What a failed join or session means for the agent: try again later, or stop for good. */
public sealed interface Failure {

    /**
     * Worth retrying after a backoff; {@code cause} starts with the category the log names.
     * {@code hubSaysAfter}: the busy hub said when it expects to have room (instead of the backoff).
     */
    record Retry(String cause, Optional<Duration> hubSaysAfter) implements Failure {
        public Retry(String cause) {
            this(cause, Optional.empty());
        }
    }

    /** Retrying cannot fix it. */
    record Fatal(int exitCode, String message) implements Failure {}
}
