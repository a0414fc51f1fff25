package io.kdop.engine.run;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.docker.DockerCalls;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.Redactor;
import io.kdop.engine.plan.WorkloadPlan;
import io.kdop.engine.pull.BackgroundPulls;
import io.kdop.engine.pull.PullErrors;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.RegistryCredential;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the Docker steps of containers and jobs alike: pull (in the background), create,
 * start, stop and remove, kill, read the output. A step that fails is recorded in the
 * {@link FailureTracker} under the workload's attempt key, with a message whose Docker error is
 * redacted; the caller decides what comes next. Runs on the pass's thread only.
 */
final class StepExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(StepExecutor.class);

    /**
     * The workload a step is for.
     *
     * @param attemptKey what its failures are kept under (see {@link FailureTracker})
     * @param describe how log lines name it, e.g. "DockerJob ns/name"
     */
    record Target(String uid, String attemptKey, String describe) {

        /** The target of a container workload's plan (one no longer desired has no attempt key). */
        static Target of(WorkloadPlan plan) {
            String key = plan.desired() == null ? "" : plan.desired().attemptKey();
            String who = plan.desired() != null ? plan.desired().describe()
                    : plan.workload().getKind() + " " + plan.workload().getNamespace() + "/" + plan.workload().getName();
            return new Target(plan.uid(), key, who);
        }
    }

    /** Where a pull leaves the step that needs the image. */
    sealed interface Pulled {
        /** The image is there (pulled, or the host's copy bridges an unreachable registry): go on. */
        record Ready() implements Pulled {}

        /** The pull runs in the background; the pass its end wakes goes on. */
        record Pulling(Instant since) implements Pulled {}

        /** The pull failed; the failure is recorded. */
        record Failed() implements Pulled {}
    }

    private final Predicate<String> imagePresent;
    private final DockerCalls executor;
    private final BackgroundPulls pulls;
    private final FailureTracker failures;

    /**
     * @param imagePresent whether the host has an image (asked only when a pull failed)
     * @param executor the Docker calls; the pulls make theirs on a client of their own
     */
    StepExecutor(Predicate<String> imagePresent, DockerCalls executor, BackgroundPulls pulls, FailureTracker failures) {
        this.imagePresent = imagePresent;
        this.executor = executor;
        this.pulls = pulls;
        this.failures = failures;
    }

    /** Asks for {@code spec}'s image with {@code credential}: the one place a pull's state is read. */
    Pulled pull(Target target, ContainerSpec spec, Optional<RegistryCredential> credential, Redactor redactor) {
        String image = spec.getImage();
        return switch (pulls.request(image, credential)) {
            case BackgroundPulls.State.InProgress p -> new Pulled.Pulling(p.since());
            case BackgroundPulls.State.Done done -> new Pulled.Ready();
            case BackgroundPulls.State.Failed failed -> {
                String why = redactor.clean(DockerErrors.describe(failed.error()));
                if (bridgeWithLocalImage(target, spec, why)) {
                    yield new Pulled.Ready();
                }
                fail(target, Reason.ImagePullFailed, "cannot pull image " + image + ": " + why);
                yield new Pulled.Failed();
            }
        };
    }

    /**
     * Pull policy Always with the registry out of reach and the image on the host: run the image
     * the host has, as an edge box without uplink must; a registry that refused is never bridged.
     */
    private boolean bridgeWithLocalImage(Target target, ContainerSpec spec, String why) {
        boolean bridge = spec.getPullPolicy() == PullPolicy.PULL_ALWAYS && PullErrors.registryUnreachable(why)
                && imagePresent.test(spec.getImage());
        if (bridge) {
            LOG.warn("{}: cannot reach the registry of {} ({}); using the image on the host", target.describe(),
                    spec.getImage(), why);
        }
        return bridge;
    }

    /** Creates the container; @return its id, or empty when the create failed (recorded) */
    Optional<String> create(Target target, DesiredContainer container, Redactor redactor) {
        try {
            return Optional.of(executor.create(container));
        } catch (RuntimeException e) {
            fail(target, Reason.CreateFailed, "cannot create container " + container.name() + ": "
                    + redactor.clean(DockerErrors.describe(e)));
            return Optional.empty();
        }
    }

    /**
     * Starts a container. A failed start is not recorded here: a container's and a job's differ
     * (the job asks Docker again whether it started after all).
     *
     * @return empty when it started, else the redacted error
     */
    Optional<String> start(String id, Redactor redactor) {
        try {
            executor.start(id);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(redactor.clean(DockerErrors.describe(e)));
        }
    }

    /**
     * Removes a container: a container's after a graceful stop, a job's (ended, or past caring)
     * at once. @return false when it failed (recorded)
     */
    boolean remove(Target target, String id, String label, boolean gracefully, Redactor redactor) {
        try {
            if (gracefully) {
                executor.stopAndRemove(id);
            } else {
                executor.remove(id);
            }
            return true;
        } catch (RuntimeException e) {
            fail(target, Reason.RemoveFailed, "cannot remove container " + label + ": "
                    + redactor.clean(DockerErrors.describe(e)));
            return false;
        }
    }

    /** Stops and removes a container, throwing what Docker says: for removals run concurrently. */
    void stopAndRemove(String id) {
        executor.stopAndRemove(id);
    }

    /** Kills a running container; @return false when it failed (recorded) */
    boolean kill(Target target, String id, String label, String why) {
        try {
            executor.kill(id);
            return true;
        } catch (RuntimeException e) {
            fail(target, Reason.RemoveFailed, "cannot kill container " + label + " " + why + ": "
                    + DockerErrors.describe(e));
            return false;
        }
    }

    /** The last {@code lines} lines a container wrote, raw; throws when Docker cannot say. */
    byte[] outputTail(String id, int lines) throws InterruptedException {
        return executor.outputTail(id, lines);
    }

    /** Records a failure of the workload's step and when it is tried again. */
    void fail(Target target, Reason reason, String message) {
        FailureTracker.Failure f = failures.failed(target.uid(), target.attemptKey(), reason, message);
        LOG.warn("{}: {} (failed {} time(s); next try at {})", target.describe(), message, f.attempts(), f.retryAt());
    }
}
