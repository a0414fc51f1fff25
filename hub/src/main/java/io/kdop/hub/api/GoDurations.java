package io.kdop.hub.api;

import java.time.Duration;

/** Durations as Kubernetes users write them (30s, 5m, 24h, 1h30m), parsed by fabric8's Go-compatible parser. */
public final class GoDurations {

    private GoDurations() {}

    /**
     * A leading sign counts as in Go ("-1s" is negative): fabric8's parser drops it, which made
     * "-1s" one second.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Duration parse(String text) {
        try {
            String t = text.strip();
            boolean negative = t.startsWith("-");
            String unsigned = negative || t.startsWith("+") ? t.substring(1) : t;
            if (unsigned.startsWith("-") || unsigned.startsWith("+")) {
                throw new IllegalArgumentException("two signs");
            }
            Duration d = io.fabric8.kubernetes.api.model.Duration.parse(unsigned).getDuration();
            return negative ? d.negated() : d;
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 90m or 24h");
        }
    }
}
