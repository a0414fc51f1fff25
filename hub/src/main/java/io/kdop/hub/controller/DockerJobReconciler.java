package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerJob;
import io.kdop.hub.api.job.DockerJobStatus;
import io.kdop.hub.container.JobTranslation;
import io.kdop.hub.container.JobTranslator;
import io.kdop.hub.container.SpecProblem;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.v1.JobProgress;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keeps each DockerJob in its host's desired state and its status true to the agent's reports.
 * The agent owns the job's lifecycle; the hub only sends the job once it resolves, and never
 * replaces the spec of a job that started (an edit shows as Accepted=False, SpecImmutable).
 * Deleting the resource waits (finalizer) until the agent reports the job's container gone.
 */
@ControllerConfiguration(name = "dockerjob")
public final class DockerJobReconciler implements Reconciler<DockerJob>, Cleaner<DockerJob> {

    private final KubernetesClient client;
    private final HostLookup hosts;
    private final HostWorkloads workloads;
    private final WorkloadReports reports;
    private final SimpleInboundEventSource<DockerJob> reportEvents;
    private final WorkloadFinalizer finalizer;
    private final Clock clock;

    public DockerJobReconciler(KubernetesClient client, String hubNamespace, HostWorkloads workloads,
            WorkloadReports reports, SimpleInboundEventSource<DockerJob> reportEvents, Clock clock) {
        this.client = client;
        this.hosts = new HostLookup(client, hubNamespace);
        this.workloads = workloads;
        this.reports = reports;
        this.reportEvents = reportEvents;
        this.finalizer = new WorkloadFinalizer(hosts, workloads, reports);
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, DockerJob>> prepareEventSources(EventSourceContext<DockerJob> context) {
        // A Secret that appears lets a waiting job start; one that changes matters only before the start.
        InformerEventSource<Secret, DockerJob> secrets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Secret.class, DockerJob.class)
                        .withName("job-secrets")
                        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                                .list(secret.getMetadata().getNamespace())
                                .filter(job -> job.getSpec() != null && JobTranslator.referencedSecrets(job.getSpec())
                                        .contains(secret.getMetadata().getName()))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(), context);
        InformerEventSource<DockerHost, DockerJob> dockerHosts = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DockerHost.class, DockerJob.class)
                        .withName("job-hosts")
                        .withSecondaryToPrimaryMapper(host -> context.getPrimaryCache().list()
                                .filter(job -> hosts.refersTo(job, host))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(), context);
        return List.of(reportEvents, secrets, dockerHosts);
    }

    @Override
    public UpdateControl<DockerJob> reconcile(DockerJob job, Context<DockerJob> context) {
        long generation = Optional.ofNullable(job.getMetadata().getGeneration()).orElse(0L);
        Outcome outcome = place(job);
        String hostPhase = outcome.host().map(DockerHost::getStatus).map(s -> s.getPhase()).orElse(null);
        DockerJobStatus status = JobStatusRules.compute(new JobStatusRules.Facts(generation, outcome.hostKey(),
                outcome.host().isPresent(), hostPhase, outcome.problem(), outcome.placedRevision(), digest(job),
                reported(job, outcome.hostKey()), job.getStatus()), clock.instant());
        if (status.equals(job.getStatus())) {
            return UpdateControl.noUpdate();
        }
        job.setStatus(status);
        return UpdateControl.patchStatus(job);
    }

    /** Puts the jobs that exist now into their hosts' desired state before the hub serves any agent. */
    public void warmUp(List<DockerJob> existing) {
        existing.stream().filter(job -> job.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing((DockerJob job) -> String.valueOf(job.getMetadata().getCreationTimestamp()))
                        .thenComparing(job -> job.getMetadata().getUid()))
                .forEach(this::place);
    }

    /** Where a job was placed, or why it could not be. */
    private record Outcome(String hostKey, Optional<DockerHost> host, Optional<SpecProblem> problem, long placedRevision) {}

    private Outcome place(DockerJob job) {
        String uid = job.getMetadata().getUid();
        Optional<DockerHost> host = hosts.find(job);
        String hostKey = host.map(HostLookup::key).orElseGet(() -> hosts.wantedKey(job));
        Optional<String> startedOn = Optional.ofNullable(job.getStatus()).filter(s -> s.startTime() != null)
                .map(DockerJobStatus::host).filter(started -> !started.equals(hostKey));
        if (startedOn.isPresent()) {
            // Moved after the start: the job stays where it runs (moving it would kill the running
            // attempt there and run it again here).
            Optional<DockerHost> current = hosts.findByKey(startedOn.get());
            if (current.isPresent()) {
                workloads.retain(startedOn.get(), uid);
                return new Outcome(startedOn.get(), current, Optional.of(SpecProblem.of("SpecImmutable",
                        "spec.dockerHostRef changed after the job started on DockerHost " + startedOn.get()
                                + "; the job stays there. To run it elsewhere, delete the DockerJob and create it again")),
                        0);
            }
        }
        if (host.isEmpty()) {
            return new Outcome(hostKey, host, Optional.empty(), 0);
        }
        if (editedAfterStart(job, hostKey)) {
            // The agent goes on with the spec it started; sending the edit would change nothing
            // there, and dropping the job would delete it.
            workloads.retain(hostKey, uid);
            return new Outcome(hostKey, host, Optional.empty(), 0);
        }
        JobTranslation translation = JobTranslator.translate(job, SecretData.fetch(client,
                job.getMetadata().getNamespace(), JobTranslator.referencedSecrets(job.getSpec())));
        return switch (translation) {
            case JobTranslation.Invalid invalid -> {
                workloads.retain(hostKey, uid);
                yield new Outcome(hostKey, host, Optional.of(invalid.problems().summary()), 0);
            }
            case JobTranslation.Valid valid -> switch (workloads.placeJob(hostKey, valid.spec())) {
                case HostWorkloads.Placement.Placed placed -> new Outcome(hostKey, host, Optional.empty(), placed.revision());
                case HostWorkloads.Placement.NameTaken taken -> new Outcome(hostKey, host, Optional.of(SpecProblem.of(
                        "ContainerNameConflict", "another workload on DockerHost " + hostKey
                                + " already uses the container name " + valid.spec().getContainer().getContainerName()
                                + "; give the job another spec.containerName")), 0);
            };
        };
    }

    private boolean editedAfterStart(DockerJob job, String hostKey) {
        return reported(job, hostKey).map(WorkloadStatus::getJob)
                .filter(p -> p.getAttempts() > 0 || !p.getStartTime().isEmpty())
                .map(JobProgress::getSpecDigest)
                .filter(started -> !started.isEmpty() && !started.equals(digest(job)))
                .isPresent();
    }

    private Optional<WorkloadStatus> reported(DockerJob job, String hostKey) {
        return reports.status(hostKey, job.getMetadata().getUid());
    }

    private static String digest(DockerJob job) {
        return job.getSpec() == null ? "" : JobTranslator.digest(job.getSpec());
    }

    @Override
    public DeleteControl cleanup(DockerJob job, Context<DockerJob> context) {
        return finalizer.cleanup(job);
    }
}
