package io.kdop.hub.direct;

/** What one probe of a direct host found: the API answered, or why it did not. */
public sealed interface ProbeResult {

    /** The API answered version and info. */
    record Answered(DockerFacts facts) implements ProbeResult {}

    /** No answer, with a condition reason and a message that says what to check (never key material). */
    record Failed(String reason, String message) implements ProbeResult {}
}
