package io.kdop.engine.run;

import static io.kdop.engine.plan.Specs.desired;
import static io.kdop.engine.plan.Specs.full;
import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.docker.DockerCalls;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.Redactor;
import io.kdop.engine.pull.BackgroundPulls;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.RegistryCredential;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The steps containers and jobs share, without Docker: the one switch on a pull's state, the one
 * bridge to the host's image, failures recorded under the attempt key with Docker's words redacted.
 */
class StepExecutorTest {

    private static final String SECRET = "s3cret-value"; // the TOKEN env value of Specs.full

    private final FakeDocker docker = new FakeDocker();
    private final Semaphore pullsEnded = new Semaphore(0);
    private final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final FailureTracker failures = new FailureTracker(clock);
    private final Set<String> onHost = new HashSet<>();
    private final StepExecutor steps = new StepExecutor(onHost::contains, docker,
            new BackgroundPulls(docker, pullsEnded::release, clock), failures);
    private final DesiredContainer web = desired(full("web").setPullPolicy(PullPolicy.PULL_ALWAYS));
    private final StepExecutor.Target target = new StepExecutor.Target(web.uid(), web.attemptKey(), "web");

    @Test
    void aPullRunsInTheBackgroundAndThePassAfterItsEndGoesOn() throws Exception {
        docker.pullGate = new CountDownLatch(1);
        assertThat(pull()).isInstanceOf(StepExecutor.Pulled.Pulling.class);
        assertThat(pull()).as("asked again while it runs").isInstanceOf(StepExecutor.Pulled.Pulling.class);
        docker.pullGate.countDown();
        assertThat(pullsEnded.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pull()).isInstanceOf(StepExecutor.Pulled.Ready.class);
        assertThat(docker.pulls).containsExactly("kdop-test/busybox:1");
    }

    @Test
    void anUnreachableRegistryUnderPolicyAlwaysRunsTheImageTheHostHas() throws Exception {
        onHost.add("kdop-test/busybox:1");
        docker.pullError = new RuntimeException("dial tcp: lookup registry.example: no such host");
        assertThat(pullToTheEnd()).isInstanceOf(StepExecutor.Pulled.Ready.class);
        assertThat(failures.last(web.uid())).isEmpty();
    }

    @Test
    void anUnreachableRegistryWithoutTheImageOnTheHostFailsThePull() throws Exception {
        docker.pullError = new RuntimeException("dial tcp: lookup registry.example: no such host");
        assertThat(pullToTheEnd()).isInstanceOf(StepExecutor.Pulled.Failed.class);
        assertThat(failures.current(web.uid(), web.attemptKey())).get()
                .satisfies(f -> assertThat(f.reason()).isEqualTo(Reason.ImagePullFailed))
                .satisfies(f -> assertThat(f.message()).startsWith("cannot pull image kdop-test/busybox:1: "));
    }

    @Test
    void aRegistryThatRefusedIsNeverBridgedAndItsWordsAreRedacted() throws Exception {
        onHost.add("kdop-test/busybox:1");
        docker.pullError = new RuntimeException("unauthorized: token " + SECRET + " rejected; connection refused");
        assertThat(pullToTheEnd()).isInstanceOf(StepExecutor.Pulled.Failed.class);
        assertThat(failures.current(web.uid(), web.attemptKey()).orElseThrow().message())
                .contains("unauthorized").doesNotContain(SECRET);
    }

    @Test
    void aFailedCreateIsRecordedUnderTheAttemptKeyAndAFailedStartIsLeftToTheCaller() {
        docker.createError = new RuntimeException("Conflict: name web with TOKEN=" + SECRET);
        assertThat(steps.create(target, web, Redactor.forSpec(web.spec()))).isEmpty();
        assertThat(failures.current(web.uid(), web.attemptKey())).get()
                .satisfies(f -> assertThat(f.reason()).isEqualTo(Reason.CreateFailed))
                .satisfies(f -> assertThat(f.message()).startsWith("cannot create container web: ")
                        .doesNotContain(SECRET));

        failures.succeeded(web.uid());
        docker.startError = new RuntimeException("port is already allocated");
        assertThat(steps.start("id-1", Redactor.forSpec(web.spec()))).contains("port is already allocated");
        assertThat(failures.last(web.uid())).as("a container's and a job's failed start differ").isEmpty();
    }

    @Test
    void aContainerIsStoppedGracefullyAJobsIsRemovedAtOnce() {
        assertThat(steps.remove(target, "id-1", "web (id-1)", true, Redactor.forSpec(web.spec()))).isTrue();
        assertThat(steps.remove(target, "id-2", "job (id-2)", false, Redactor.forSpec(web.spec()))).isTrue();
        assertThat(docker.calls).containsExactly("stopAndRemove id-1", "remove id-2");

        docker.removeError = new RuntimeException("removal of container id-3 is already in progress");
        assertThat(steps.remove(target, "id-3", "web (id-3)", true, Redactor.forSpec(web.spec()))).isFalse();
        assertThat(failures.current(web.uid(), web.attemptKey()).orElseThrow().message())
                .isEqualTo("cannot remove container web (id-3): removal of container id-3 is already in progress");
    }

    private StepExecutor.Pulled pull() {
        return steps.pull(target, web.spec(), Optional.empty(), Redactor.forSpec(web.spec()));
    }

    /** Asks, waits for the background pull's end, and asks again, as the pass its end wakes does. */
    private StepExecutor.Pulled pullToTheEnd() throws InterruptedException {
        assertThat(pull()).isInstanceOf(StepExecutor.Pulled.Pulling.class);
        assertThat(pullsEnded.tryAcquire(10, TimeUnit.SECONDS)).as("the pull ended").isTrue();
        return pull();
    }

    /** Records the calls; fails the ones it is told to. */
    private static final class FakeDocker implements DockerCalls {
        final List<String> pulls = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        volatile CountDownLatch pullGate;
        volatile RuntimeException pullError;
        RuntimeException createError;
        RuntimeException startError;
        RuntimeException removeError;

        @Override
        public void pull(String image, Optional<RegistryCredential> credential) throws InterruptedException {
            if (pullGate != null) {
                pullGate.await();
            }
            synchronized (pulls) {
                pulls.add(image);
            }
            if (pullError != null) {
                throw pullError;
            }
        }

        @Override
        public String create(DesiredContainer desired) {
            if (createError != null) {
                throw createError;
            }
            return "id-" + desired.name();
        }

        @Override
        public void start(String id) {
            if (startError != null) {
                throw startError;
            }
        }

        @Override
        public void stopAndRemove(String id) {
            removing("stopAndRemove", id);
        }

        @Override
        public void kill(String id) {
            calls.add("kill " + id);
        }

        @Override
        public void remove(String id) {
            removing("remove", id);
        }

        private void removing(String how, String id) {
            if (removeError != null) {
                throw removeError;
            }
            calls.add(how + " " + id);
        }

        @Override
        public byte[] outputTail(String id, int lines) {
            return new byte[0];
        }
    }
}
