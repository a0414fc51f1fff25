package io.kdop.hub.api.container;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** CPU and memory limits, written as Kubernetes quantities. */
public record Resources(
        @JsonPropertyDescription("CPU limit: 0.5, 500m or 2 (CPUs).") String cpuLimit,
        @JsonPropertyDescription("Memory limit: 256Mi, 1Gi, 512M or bytes.") String memoryLimit) {}
