package io.kdop.agent.session;

/** What a failed join or session means for the agent: try again later, or stop for good. */
public sealed interface Failure {

    /** Worth retrying after a backoff; {@code cause} starts with the category the log names. */
    record Retry(String cause) implements Failure {}

    /** Retrying cannot fix it. */
    record Fatal(int exitCode, String message) implements Failure {}
}
