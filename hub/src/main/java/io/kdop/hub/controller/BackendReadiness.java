package io.kdop.hub.controller;

import io.kdop.proto.v1.WorkloadStatus;
import java.util.Optional;

/**
 * Whether a container gets new connections of a DockerService, from what the hub knows this
 * instant (its host's session, the agent's latest report): readiness gating, decided per
 * connection, so an unhealthy container stops getting connections as soon as its agent says so.
 */
public final class BackendReadiness {

    private BackendReadiness() {}

    /** Why the container gets no connection now; empty when it is ready. */
    public static Optional<String> notReady(boolean hostConnected, Optional<WorkloadStatus> report) {
        if (!hostConnected) {
            return Optional.of("HostNotConnected");
        }
        if (report.isEmpty()) {
            return Optional.of("NotReported");
        }
        WorkloadStatus r = report.get();
        if (!"Running".equals(r.getPhase())) {
            return Optional.of("Not" + (r.getPhase().isEmpty() ? "Running" : "Running (" + r.getPhase() + ")"));
        }
        return switch (r.getHealth()) {
            case "", "healthy" -> Optional.empty();
            case "starting" -> Optional.of("HealthStarting");
            default -> Optional.of("Unhealthy");
        };
    }
}
