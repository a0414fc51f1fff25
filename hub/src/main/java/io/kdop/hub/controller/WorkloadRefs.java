package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kdop.proto.v1.WorkloadRef;

/** The reference by which desired states and status reports name a workload resource. */
final class WorkloadRefs {

    private WorkloadRefs() {}

    static WorkloadRef of(HasMetadata workload) {
        return WorkloadRef.newBuilder()
                .setKind(workload.getKind())
                .setNamespace(workload.getMetadata().getNamespace())
                .setName(workload.getMetadata().getName())
                .setUid(workload.getMetadata().getUid())
                .build();
    }
}
