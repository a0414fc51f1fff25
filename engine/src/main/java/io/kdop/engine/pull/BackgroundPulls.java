package io.kdop.engine.pull;

import io.kdop.engine.docker.DockerCalls;
import io.kdop.proto.v1.RegistryCredential;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Image pulls off the reconciler's thread. A pull over a slow uplink takes minutes; done inline it
 * would hold up every other workload of the host (a crashed container waits to be repaired, a
 * job's deadline to be enforced). A pass asks for an image; the pull runs on a virtual thread;
 * when it ends the pass is woken, and the next pass that asks takes the outcome. One pull per
 * image and credential at a time, however many workloads want it.
 */
public final class BackgroundPulls {

    /** Where a pull of an image stands for the pass that asks. */
    public sealed interface State {
        /** Pulling now: wait for the wake-up. */
        record InProgress(Instant since) implements State {}

        /** It ended well: go on with the image. */
        record Done() implements State {}

        /** It failed with this error. */
        record Failed(RuntimeException error) implements State {}
    }

    private record Key(String image, String credential) {}

    /** @param pass the pass during which it ended: the next one must still see it */
    private record Outcome(RuntimeException error, long pass) {}

    /** Pulls at once; more wait their turn (answered InProgress meanwhile). */
    public static final int CONCURRENT = 3;

    private final DockerCalls executor;
    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(CONCURRENT);
    private final Runnable wake;
    private final Clock clock;
    private final Map<Key, Instant> inFlight = new HashMap<>();
    private final Map<Key, Outcome> ended = new HashMap<>();
    private long pass;

    /**
     * @param executor on a Docker client of its own, with at least {@link #CONCURRENT} connections:
     *     a pull holds its connection for its whole stream, and the reconciler's calls must not wait
     *     behind it
     * @param wake asks for a pass; called from the pulling thread when a pull ends
     */
    public BackgroundPulls(DockerCalls executor, Runnable wake, Clock clock) {
        this.executor = executor;
        this.wake = wake;
        this.clock = clock;
    }

    /**
     * The state of the pull of {@code image} with {@code credential}: starts it if none runs and
     * no outcome waits.
     */
    public synchronized State request(String image, Optional<RegistryCredential> credential) {
        Key key = new Key(image, credential.map(BackgroundPulls::fingerprint).orElse(""));
        // every workload that wants the image in this pass or the next one sees the same outcome
        Outcome outcome = ended.get(key);
        if (outcome != null) {
            return outcome.error() == null ? new State.Done() : new State.Failed(outcome.error());
        }
        Instant since = inFlight.get(key);
        if (since != null) {
            return new State.InProgress(since);
        }
        Instant now = clock.instant();
        inFlight.put(key, now);
        Thread.ofVirtual().name("kdop-pull").start(() -> pull(key, credential));
        return new State.InProgress(now);
    }

    /** A pass begins. */
    public synchronized void passBegins() {
        pass++;
    }

    /**
     * A pass ends: outcomes that were there for the whole pass are dropped. Whoever wanted them
     * has taken them (or the image is on the host now, or the workload is gone), and a pull asked
     * for later must not be skipped because of an old one.
     */
    public synchronized void passEnds() {
        long current = pass;
        ended.values().removeIf(o -> o.pass() < current);
    }

    private void pull(Key key, Optional<RegistryCredential> credential) {
        RuntimeException error = null;
        try {
            slots.acquire();
            try {
                executor.pull(key.image(), credential);
            } finally {
                slots.release();
            }
        } catch (RuntimeException e) {
            error = e;
        } catch (InterruptedException e) {
            error = new IllegalStateException("the pull was interrupted", e);
        }
        synchronized (this) {
            inFlight.remove(key);
            ended.put(key, new Outcome(error, pass));
        }
        wake.run();
    }

    /** Tells credentials apart without keeping their secret as a map key in plain sight. */
    private static String fingerprint(RegistryCredential c) {
        return Integer.toHexString(Objects.hash(c.getServer(), c.getUsername(), c.getPassword()));
    }
}
