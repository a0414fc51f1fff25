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
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.events.LastWritten;
import io.kdop.hub.events.StatusEvents;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.v1.JobOutcome;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadStatus;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Keeps each DockerJob in its host's desired state and its status true to the agent's reports.
 * The agent (on a direct host, the hub's engine for it) owns the job's lifecycle; the hub sends the job once it resolves, and once the agent
 * has begun it only what identifies it: a begun job stays on its host with the spec it began
 * with (an edit shows as Accepted=False, SpecImmutable).
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
    private final ToLongFunction<String> appliedRevision;
    private final EventRecorder events;
    private final LastWritten<DockerJobStatus> written = new LastWritten<>();
    private final HostPolicyGate policies;

    /**
     * @param appliedRevision the desired-state revision a host's agent last acknowledged, or a direct
     *     host's engine last read (0 when unknown): a job in a revision the host has may have begun
     *     there before any report says so
     */
    public DockerJobReconciler(KubernetesClient client, String hubNamespace, HostWorkloads workloads,
            WorkloadReports reports, SimpleInboundEventSource<DockerJob> reportEvents,
            ToLongFunction<String> appliedRevision, EventRecorder events, Clock clock) {
        this.appliedRevision = appliedRevision;
        this.events = events;
        this.client = client;
        this.hosts = new HostLookup(client, hubNamespace);
        this.workloads = workloads;
        this.reports = reports;
        this.reportEvents = reportEvents;
        this.finalizer = new WorkloadFinalizer(hosts, workloads, reports);
        this.policies = new HostPolicyGate(workloads);
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
                outcome.host().isPresent(), hostPhase, outcome.problem(), digest(job),
                reports.status(outcome.hostKey(), job.getMetadata().getUid()), job.getStatus(),
                outcome.host().isPresent() ? null : hosts.notFound(job)), clock.instant());
        if (status.equals(job.getStatus())) {
            // what is stored is what was last told about, should an earlier patch have failed
            written.wrote(job.getMetadata().getUid(), status);
            return UpdateControl.noUpdate();
        }
        boolean nowFinal = status.finished() && (job.getStatus() == null || !job.getStatus().finished());
        String uid = job.getMetadata().getUid();
        events.record(job, StatusEvents.ofJob(written.before(uid, job.getStatus()), status));
        written.wrote(uid, status);
        job.setStatus(status);
        if (nowFinal) {
            place(job); // the agent learns the outcome now, not at the next event
        }
        return UpdateControl.patchStatus(job);
    }

    /**
     * Puts an existing job into its host's desired state before the hub serves any agent (see
     * {@link DockerContainerReconciler#warmUp}); callers go in creation order across kinds.
     */
    public void warmUp(DockerJob job) {
        if (job.getMetadata().getDeletionTimestamp() == null) {
            place(job);
        }
    }

    /** Where a job was placed, or why it could not be. */
    private record Outcome(String hostKey, Optional<DockerHost> host, Optional<SpecProblem> problem) {}

    /** Where and how a job began, as far as this hub knows. */
    private record Begun(String hostKey, String specDigest, Optional<JobOutcome> outcome) {}

    private Outcome place(DockerJob job) {
        String uid = job.getMetadata().getUid();
        Optional<DockerHost> wanted = hosts.find(job);
        String wantedKey = wanted.map(HostLookup::key).orElseGet(() -> hosts.wantedKey(job));
        Optional<Begun> begun = begun(job);
        if (begun.isPresent()) {
            return placeBegun(job, begun.get(), wantedKey);
        }
        Optional<String> placedOn = workloads.hostOf(uid);
        if (movedAfterDelivery(placedOn, wantedKey, workloads.placedSince(uid),
                placedOn.map(appliedRevision::applyAsLong).orElse(0L))) {
            // its agent has it and may have begun it, its report not here yet: moving it could run it twice
            return new Outcome(placedOn.get(), hosts.findByKey(placedOn.get()), Optional.of(SpecProblem.of(
                    "SpecImmutable", "spec.dockerHostRef changed after the job was delivered to DockerHost "
                            + placedOn.get() + ", whose agent may have started it; the job stays there. To run it "
                            + "elsewhere, delete the DockerJob and create it again")));
        }
        if (wanted.isEmpty()) {
            // Nothing is taken off a host because a reference does not resolve: the status says why.
            return new Outcome(wantedKey, wanted, Optional.empty());
        }
        Optional<SpecProblem> notTaken = policies.namespaceRefusal(wantedKey, wanted.get(), job);
        if (notTaken.isPresent()) {
            return new Outcome(wantedKey, wanted, notTaken);
        }
        JobTranslation translation = JobTranslator.translate(job, SecretData.fetch(client,
                job.getMetadata().getNamespace(), JobTranslator.referencedSecrets(job.getSpec())));
        return switch (translation) {
            case JobTranslation.Invalid invalid -> {
                workloads.retain(wantedKey, WorkloadRefs.of(job));
                yield new Outcome(wantedKey, wanted, Optional.of(invalid.problems().summary()));
            }
            case JobTranslation.Valid valid -> {
                Optional<SpecProblem> refused = policies.refusal(wantedKey, wanted.get(), valid.spec().getContainer())
                        .or(() -> HostLookup.isDirect(wanted.get()) ? DirectHostLimits.refusal(wantedKey,
                                wanted.get().getMetadata().getNamespace(), job.getMetadata().getNamespace(),
                                valid.spec().getContainer()) : Optional.empty());
                if (refused.isPresent()) {
                    yield new Outcome(wantedKey, wanted, refused);
                }
                yield switch (workloads.placeJob(wantedKey, valid.spec())) {
                    case HostWorkloads.Placement.Placed placed -> new Outcome(wantedKey, wanted, Optional.empty());
                    case HostWorkloads.Placement.NameTaken taken -> {
                        workloads.retain(wantedKey, WorkloadRefs.of(job));
                        yield new Outcome(wantedKey, wanted, Optional.of(nameTaken(wantedKey, valid.spec())));
                    }
                };
            }
        };
    }

    /**
     * A job its agent has begun stays on that host with the spec it began with: the hub sends
     * only what identifies it (see {@link JobTranslator#started}).
     */
    private Outcome placeBegun(DockerJob job, Begun begun, String wantedKey) {
        Optional<DockerHost> host = hosts.findByKey(begun.hostKey());
        if (host.isEmpty()) {
            return new Outcome(begun.hostKey(), host, Optional.empty());
        }
        // a job that began is not refused now; its agent checks each further attempt against the current policy
        policies.tell(begun.hostKey(), host.get());
        JobSpec started = JobTranslator.started(job, begun.specDigest(), begun.outcome());
        if (workloads.placeJob(begun.hostKey(), started) instanceof HostWorkloads.Placement.NameTaken) {
            workloads.retain(begun.hostKey(), WorkloadRefs.of(job));
        }
        if (!begun.hostKey().equals(wantedKey)) {
            return new Outcome(begun.hostKey(), host, Optional.of(SpecProblem.of("SpecImmutable",
                    "spec.dockerHostRef changed after the job started on DockerHost " + begun.hostKey()
                            + "; the job stays there. To run it elsewhere, delete the DockerJob and create it again")));
        }
        return new Outcome(begun.hostKey(), host, Optional.empty());
    }

    /**
     * Whether the agent has begun the job: its status says so, or (before the status was written)
     * the host it is placed on reported it.
     */
    private Optional<Begun> begun(DockerJob job) {
        String uid = job.getMetadata().getUid();
        DockerJobStatus status = job.getStatus();
        Optional<Begun> reported = workloads.hostOf(uid).flatMap(hostKey -> reports.status(hostKey, uid)
                .filter(WorkloadStatus::hasJob)
                .filter(r -> r.getJob().getAttempts() > 0 || !r.getJob().getStartTime().isEmpty())
                .map(r -> new Begun(hostKey, r.getJob().getSpecDigest(), outcome(r.getPhase(),
                        r.getJob().getCompletionTime()))));
        if (status != null && status.started() && status.host() != null) {
            Optional<JobOutcome> known = outcome(status.phase(), status.completionTime());
            return Optional.of(new Begun(status.host(),
                    status.specDigest() != null ? status.specDigest()
                            : reported.map(Begun::specDigest).orElse(""),
                    known.or(() -> reported.flatMap(Begun::outcome))));
        }
        return reported;
    }

    /**
     * Whether the job is wanted on another host than the one whose agent has acknowledged a
     * desired state holding it: that agent may have begun it before any report could say so.
     */
    static boolean movedAfterDelivery(Optional<String> placedOn, String wantedKey, Optional<Long> placedSince,
            long appliedThere) {
        return placedOn.isPresent() && !placedOn.get().equals(wantedKey)
                && placedSince.filter(revision -> appliedThere >= revision).isPresent();
    }

    private static Optional<JobOutcome> outcome(String phase, String completionTime) {
        if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            return Optional.empty();
        }
        return Optional.of(JobOutcome.newBuilder().setSucceeded("Succeeded".equals(phase))
                .setCompletionTime(completionTime == null ? "" : completionTime).build());
    }

    private static SpecProblem nameTaken(String hostKey, JobSpec spec) {
        return SpecProblem.of("ContainerNameConflict", "another workload on DockerHost " + hostKey
                + " already uses the container name " + spec.getContainer().getContainerName()
                + "; give the job another spec.containerName");
    }

    private static String digest(DockerJob job) {
        return job.getSpec() == null ? "" : JobTranslator.digest(job.getSpec());
    }

    @Override
    public DeleteControl cleanup(DockerJob job, Context<DockerJob> context) {
        written.forget(job.getMetadata().getUid());
        // a job that began stays on its host whatever its spec says now: wait for that host
        return finalizer.cleanup(job, Optional.ofNullable(job.getStatus()).filter(DockerJobStatus::started)
                .map(DockerJobStatus::host));
    }
}
