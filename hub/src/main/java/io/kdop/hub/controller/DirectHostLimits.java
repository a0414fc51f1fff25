package io.kdop.hub.controller;

import io.kdop.hub.container.SpecProblem;
import io.kdop.proto.v1.ContainerSpec;
import java.util.Optional;

/** What a direct host takes only from its own namespace, as a condition on the workload. Pure. */
final class DirectHostLimits {

    private DirectHostLimits() {}

    /**
     * Host mounts from other namespaces. An agent resolves each host path on the host, following
     * symbolic links, before its policy judges it; the hub cannot see a direct host's file system,
     * so a tenant allowed a writable directory there could plant a link to "/" or to Docker's
     * socket and mount it through the link. Only the host's own namespace, which controls the host
     * anyway, gets host mounts there.
     */
    static Optional<SpecProblem> refusal(String hostKey, String hostNamespace, String workloadNamespace,
            ContainerSpec spec) {
        if (spec.getMountsCount() > 0 && !hostNamespace.equals(workloadNamespace)) {
            return Optional.of(SpecProblem.of("HostPathRefused", "DockerHost " + hostKey + " is a direct host "
                    + "(spec.hostURL): the hub cannot resolve symbolic links on its file system, so host mounts "
                    + "(volumeMounts.hostPath) there are only for workloads of its own namespace " + hostNamespace
                    + ", not of " + workloadNamespace + "; nothing was started"));
        }
        return Optional.empty();
    }
}
