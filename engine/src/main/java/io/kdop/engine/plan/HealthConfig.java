package io.kdop.engine.plan;

import java.util.List;

/**
 * A Docker health check with Docker's units (nanoseconds). A zero duration or retry count means
 * "Docker's default", as in the Docker API.
 */
public record HealthConfig(List<String> test, long intervalNanos, long timeoutNanos, int retries,
        long startPeriodNanos) {

    public HealthConfig {
        test = List.copyOf(test);
    }

    /**
     * What Docker stores when a container is created with this check on an image that has
     * {@code image}: every field left empty here is taken from the image (Docker's merge).
     */
    public HealthConfig over(HealthConfig image) {
        if (image == null) {
            return this;
        }
        return new HealthConfig(
                test.isEmpty() ? image.test : test,
                intervalNanos == 0 ? image.intervalNanos : intervalNanos,
                timeoutNanos == 0 ? image.timeoutNanos : timeoutNanos,
                retries == 0 ? image.retries : retries,
                startPeriodNanos == 0 ? image.startPeriodNanos : startPeriodNanos);
    }
}
