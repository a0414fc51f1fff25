package io.kdop.hub.container;

/**
 * Why a DockerContainer cannot be sent to its agent: a condition reason (CamelCase, as Kubernetes
 * reasons are) and a message saying which field is wrong and how.
 */
public record SpecProblem(String reason, String message) {

    public static SpecProblem of(String reason, String message) {
        return new SpecProblem(reason, message);
    }
}
