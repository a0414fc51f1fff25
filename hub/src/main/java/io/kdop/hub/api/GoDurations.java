package io.kdop.hub.api;

import java.time.Duration;

/** Durations as Kubernetes users write them (30s, 5m, 24h, 1h30m), parsed by fabric8's Go-compatible parser. */
public final class GoDurations {

    private GoDurations() {}

    /** @throws IllegalArgumentException naming the text and the expected form */
    public static Duration parse(String text) {
        try {
            return io.fabric8.kubernetes.api.model.Duration.parse(text).getDuration();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 90m or 24h");
        }
    }
}
