package io.kdop.engine.run;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.plan.ObservedContainer;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.Step;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.secrets.SecretPlacement;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The removals of a pass: the containers of every workload no longer desired, stopped and removed
 * all at once (each may wait out a graceful stop, and none depends on another), then their secret
 * files. Runs on the pass's thread; only the Docker calls run on virtual threads.
 */
final class Removals {

    private static final Logger LOG = LoggerFactory.getLogger(Removals.class);

    private final StepExecutor steps;
    private final SecretPlacement secrets;
    private final FailureTracker failures;

    Removals(StepExecutor steps, SecretPlacement secrets, FailureTracker failures) {
        this.steps = steps;
        this.secrets = secrets;
        this.failures = failures;
    }

    /**
     * Stops and removes the containers of every undesired workload concurrently (Docker calls on
     * virtual threads), then records the outcomes here, on the pass's thread.
     */
    boolean removeAll(List<WorkloadPlan> removals) throws InterruptedException {
        if (removals.isEmpty()) {
            return false;
        }
        Map<WorkloadPlan, Future<RuntimeException>> outcomes = new LinkedHashMap<>();
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (WorkloadPlan plan : removals) {
                outcomes.put(plan, workers.submit(() -> stopAndRemoveAll(plan)));
            }
        }
        boolean changed = false;
        for (var outcome : outcomes.entrySet()) {
            try {
                changed |= remove(outcome.getKey(), outcome.getValue().get());
            } catch (ExecutionException e) {
                changed |= remove(outcome.getKey(), new IllegalStateException(e.getCause()));
            }
        }
        return changed;
    }

    /** @return the failure that stopped the removal, or null when every container is gone */
    private RuntimeException stopAndRemoveAll(WorkloadPlan plan) {
        for (Step step : plan.steps()) {
            try {
                steps.stopAndRemove(((Step.Remove) step).container().id());
            } catch (RuntimeException e) {
                return e;
            }
        }
        return null;
    }

    private boolean remove(WorkloadPlan plan, RuntimeException failure) {
        boolean changed = false;
        for (Step step : plan.steps()) {
            ObservedContainer c = ((Step.Remove) step).container();
            if (failure != null) {
                steps.fail(StepExecutor.Target.of(plan), Reason.RemoveFailed, "cannot remove the containers of this workload: "
                        + DockerErrors.describe(failure));
                return true; // some may be gone: look again
            }
            changed = true;
            LOG.info("removed container {} ({}) of {} {}/{}: no longer desired", c.name(), c.shortId(),
                    plan.workload().getKind(), plan.workload().getNamespace(), plan.workload().getName());
        }
        failures.succeeded(plan.uid());
        try {
            secrets.remove(plan.uid());
        } catch (IOException e) {
            LOG.warn("cannot delete the secret files of removed workload {}: {}", plan.uid(), e.getMessage());
        }
        return changed;
    }
}
