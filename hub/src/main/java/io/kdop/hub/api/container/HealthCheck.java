package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** A Docker health check. */
public record HealthCheck(
        @JsonPropertyDescription("The check: [\"CMD\", \"curl\", \"-f\", \"http://localhost/\"], [\"CMD-SHELL\", \"...\"], "
                + "or a single shell command string as the only element.") List<String> test,
        @JsonPropertyDescription("Time between checks, e.g. 30s. Default: Docker's (30s).") String interval,
        @JsonPropertyDescription("Time one check may take, e.g. 5s. Default: Docker's (30s).") String timeout,
        @JsonPropertyDescription("Consecutive failures before unhealthy. Default: Docker's (3).") Integer retries,
        @JsonPropertyDescription("Grace period after start, e.g. 10s. Default: 0.") String startPeriod) {}
