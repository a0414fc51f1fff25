package io.kdop.hub.controller;

import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.ContainerSpec;
import java.util.Optional;

/** What a direct host cannot take yet, as a condition on the workload. Pure. */
final class DirectHostLimits {

    private DirectHostLimits() {}

    /**
     * Secret volumes need files on the host, and the hub has no disk there: placing them through
     * the Docker API is not built yet, so such a container is not started rather than started
     * without its secrets.
     */
    static Optional<SpecProblem> refusal(String hostKey, ContainerSpec spec) {
        if (spec.getSecretFilesCount() > 0) {
            return Optional.of(SpecProblem.of("DirectSecretVolumesUnsupported", "DockerHost " + hostKey
                    + " is a direct host (spec.hostURL): secret volumes are not supported there yet, so the container "
                    + "was not started; pass the values as env (valueFrom.secretKeyRef) or run it on a host with an "
                    + "agent"));
        }
        return Optional.empty();
    }
}
