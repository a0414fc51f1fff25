package io.kdop.hub.controller;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.direct.DirectHostRules;
import io.kdop.hub.direct.DirectHosts;
import io.kdop.hub.events.EventRecorder;
import io.kdop.hub.events.LastWritten;
import io.kdop.hub.events.StatusEvents;
import io.kdop.hub.join.JoinTokenIssuer;
import io.kdop.hub.session.SessionRegistry;
import io.kdop.hub.session.WorkloadReports;
import io.kdop.hub.state.DesiredStateBook;
import io.kdop.hub.state.HostWorkloads;
import io.kdop.proto.v1.DesiredState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Keeps each DockerHost's join token and status true; a direct host's (spec.hostURL) status comes
 * from probing its Docker API instead. It is the only writer of DockerHost status:
 * agent sessions only record facts in memory and ask for a reconcile. It reads the desired-state
 * revision but never writes desired state (the workload controllers own that).
 */
@ControllerConfiguration(name = "dockerhost")
public final class DockerHostReconciler implements Reconciler<DockerHost>, Cleaner<DockerHost> {

    private final SessionRegistry sessions;
    private final DesiredStateBook desiredStates;
    private final HostWorkloads workloads;
    private final WorkloadReports reports;
    private final JoinTokenIssuer issuer;
    private final JoinTokenLifecycle tokens;
    private final SimpleInboundEventSource<DockerHost> sessionEvents;
    private final HostStatusRules.Timing timing;
    private final Clock clock;
    private final EventRecorder events;
    private final LastWritten<DockerHostStatus> written = new LastWritten<>();
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final Predicate<String> namespaceTerminating;
    private final DirectHosts direct;
    private static final Duration DRAIN_RECHECK = Duration.ofSeconds(1);

    public DockerHostReconciler(SessionRegistry sessions, DesiredStateBook desiredStates, HostWorkloads workloads,
            WorkloadReports reports, JoinTokenIssuer issuer,
            Duration defaultTokenTtl, SimpleInboundEventSource<DockerHost> sessionEvents, HostStatusRules.Timing timing,
            EventRecorder events, Predicate<String> namespaceTerminating, DirectHosts direct, Clock clock) {
        this.events = events;
        this.direct = direct;
        this.namespaceTerminating = namespaceTerminating;
        this.sessions = sessions;
        this.desiredStates = desiredStates;
        this.workloads = workloads;
        this.reports = reports;
        this.issuer = issuer;
        this.tokens = new JoinTokenLifecycle(issuer, defaultTokenTtl);
        this.sessionEvents = sessionEvents;
        this.timing = timing;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, DockerHost>> prepareEventSources(EventSourceContext<DockerHost> context) {
        return List.of(sessionEvents);
    }

    @Override
    public UpdateControl<DockerHost> reconcile(DockerHost host, Context<DockerHost> context) {
        Instant now = clock.instant();
        DockerHostStatus before = host.getStatus() == null ? new DockerHostStatus() : host.getStatus();
        DockerHostStatus status = serialization.clone(before);
        String key = host.getMetadata().getNamespace() + "/" + host.getMetadata().getName();
        boolean directMode = host.getSpec() != null && host.getSpec().getHostURL() != null
                && !host.getSpec().getHostURL().isBlank();
        long generation = Optional.ofNullable(host.getMetadata().getGeneration()).orElse(0L);

        Optional<String> problem = directMode ? Optional.empty() : tokens.apply(host, status, now);
        HostStatusRules.Outcome outcome;
        if (directMode) {
            // the hub dials the host's Docker API itself: no token, no agent, a probe instead; an agent
            // joined before spec.hostURL was set must not drive the same host beside the hub's engine
            sessions.endSessionOfDirectHost(key);
            DirectHostRules.Outcome probed = direct.probe(host, status, generation, now);
            outcome = new HostStatusRules.Outcome(probed.status(), Optional.of(probed.recheckIn()));
        } else if (problem.isPresent()) {
            direct.forget(key); // no longer direct, if it was
            status.setObservedGeneration(generation);
            status.setConditions(Conditions.with(status.getConditions(), Conditions.READY, false, "InvalidSpec",
                    problem.get(), generation, now));
            outcome = new HostStatusRules.Outcome(status, Optional.empty());
        } else {
            direct.forget(key);
            outcome = HostStatusRules.apply(status, host.getMetadata().getName(), generation,
                    sessions.view(key), desiredStates.current(key).map(DesiredState::getRevision), timing, now);
        }

        UpdateControl<DockerHost> control;
        if (outcome.status().equals(before)) {
            control = UpdateControl.noUpdate();
            if (!StatusEvents.inBetween(before)) {
                written.wrote(host.getMetadata().getUid(), before); // what is stored, should a patch have failed
            }
        } else {
            String uid = host.getMetadata().getUid();
            events.record(host, StatusEvents.ofHost(written.before(uid, before), outcome.status()));
            if (!StatusEvents.inBetween(outcome.status())) {
                // a reconnect within the grace period (or a hub restart) is no transition to tell
                written.wrote(uid, serialization.clone(outcome.status()));
            }
            host.setStatus(outcome.status());
            control = UpdateControl.patchStatus(host);
        }
        outcome.recheckIn().ifPresent(control::rescheduleAfter);
        return control;
    }

    @Override
    public DeleteControl cleanup(DockerHost host, Context<DockerHost> context) {
        String key = host.getMetadata().getNamespace() + "/" + host.getMetadata().getName();
        Instant now = clock.instant();
        // a direct host whose engine runs removes its workloads' containers as an agent does: wait for it too
        HostDeletion deletion = new HostDeletion(sessions.liveSession(key).isPresent() || direct.drives(key),
                namespaceTerminating.test(host.getMetadata().getNamespace()), workloads.removalsPending(key),
                workloads.placedFrom(key, host.getMetadata().getNamespace()),
                Duration.between(Timestamps.parse(host.getMetadata().getDeletionTimestamp()).orElse(now), now));
        if (deletion.waits()) {
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(DRAIN_RECHECK);
        }
        written.forget(host.getMetadata().getUid());
        direct.forgetDeleted(key, host.getMetadata().getUid());
        // The token record stays until it expires, so a late join with it is told the host is gone.
        sessions.revoke(key, host.getMetadata().getUid(), "DockerHost " + key
                + " was deleted; this agent's identity is revoked");
        desiredStates.forget(key);
        // Its workloads' finalizers are released: there is no agent left to confirm anything.
        workloads.forgetHost(key);
        reports.forgetHost(key);
        issuer.deleteJoinSecret(host);
        return DeleteControl.defaultDelete();
    }
}
