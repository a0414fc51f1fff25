package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.HostBound;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.HostWorkloads;
import java.time.Duration;
import java.util.Optional;

/**
 * The rule for deleting any workload: take it off its host, and let the resource go only once the
 * host's agent reports its container gone, or at once when the DockerHost itself is gone.
 */
final class WorkloadFinalizer {

    private static final Duration REMOVAL_RECHECK = Duration.ofSeconds(5);

    private final HostLookup hosts;
    private final HostWorkloads workloads;
    private final WorkloadReports reports;

    WorkloadFinalizer(HostLookup hosts, HostWorkloads workloads, WorkloadReports reports) {
        this.hosts = hosts;
        this.workloads = workloads;
        this.reports = reports;
    }

    <W extends HasMetadata & HostBound> DeleteControl cleanup(W workload) {
        return cleanup(workload, Optional.empty());
    }

    /** @param lastHost the host (key) the workload last ran on, when its status knows it */
    <W extends HasMetadata & HostBound> DeleteControl cleanup(W workload, Optional<String> lastHost) {
        String uid = workload.getMetadata().getUid();
        Optional<HostWorkloads.Removal> removal = workloads.remove(uid);
        if (removal.isEmpty()) {
            // Deleted before this hub placed it (it restarted meanwhile): the host may still run it.
            Optional<DockerHost> host = lastHost.flatMap(hosts::findByKey).or(() -> hosts.find(workload));
            if (host.isEmpty()) {
                return DeleteControl.defaultDelete();
            }
            removal = Optional.of(workloads.expectRemoval(HostLookup.key(host.get()), WorkloadRefs.of(workload)));
        }
        String hostKey = removal.get().hostKey();
        // A host being deleted still counts: it waits for these removals while its agent is there.
        boolean hostGone = !hosts.existsByKey(hostKey);
        if (hostGone || reports.confirmsGone(hostKey, removal.get().revision(), uid)) {
            workloads.forgetRemoval(uid);
            return DeleteControl.defaultDelete();
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(REMOVAL_RECHECK);
    }
}
