package io.kdop.engine.backoff;

import io.kdop.engine.plan.Reason;
import io.kdop.engine.plan.SpecHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Remembers, per workload, the last failure of an action and when to try again: a capped
 * exponential backoff ({@link Backoff#FAILURES}: 5 s, 10 s, ... 5 min), so a bad image does not hammer the registry and a
 * container whose start fails is not retried at every Docker event. A failure is kept under an
 * attempt key ({@link SpecHash#attempt}): a new spec or new credentials start afresh. Used by the
 * reconciler's single thread only.
 */
public final class FailureTracker {

    public static final Duration FIRST_RETRY = Backoff.FAILURES.base();
    public static final Duration MAX_RETRY = Backoff.FAILURES.max();

    /** One workload's last failure. */
    public record Failure(Reason reason, String message, String attemptKey, int attempts, Instant retryAt) {}

    private final Clock clock;
    private final Map<String, Failure> failures = new HashMap<>();

    public FailureTracker(Clock clock) {
        this.clock = clock;
    }

    /** Records a failure of the workload's actions under this attempt key. */
    public Failure failed(String uid, String attemptKey, Reason reason, String message) {
        Failure previous = failures.get(uid);
        int attempts = previous != null && previous.attemptKey().equals(attemptKey) ? previous.attempts() + 1 : 1;
        Failure failure = new Failure(reason, message, attemptKey, attempts,
                clock.instant().plus(Backoff.FAILURES.after(attempts)));
        failures.put(uid, failure);
        return failure;
    }

    /** The workload's actions succeeded, or it needs none: forget its failure. */
    public void succeeded(String uid) {
        failures.remove(uid);
    }

    /** The last failure under this attempt key (a failure of an older spec no longer applies). */
    public Optional<Failure> current(String uid, String attemptKey) {
        return Optional.ofNullable(failures.get(uid)).filter(f -> f.attemptKey().equals(attemptKey));
    }

    /** The last failure, whatever its attempt key (a job's rules compare the key themselves). */
    public Optional<Failure> last(String uid) {
        return Optional.ofNullable(failures.get(uid));
    }

    /** True while the workload waits out its backoff under this attempt key. */
    public boolean backingOff(String uid, String attemptKey) {
        return current(uid, attemptKey).map(f -> clock.instant().isBefore(f.retryAt())).orElse(false);
    }

    /** When the earliest waiting workload may be tried again. */
    public Optional<Instant> nextRetry() {
        Instant now = clock.instant();
        return failures.values().stream().map(Failure::retryAt).filter(now::isBefore).min(Instant::compareTo);
    }

    /** Forgets the workloads that are not desired any more. */
    public void retainOnly(Set<String> uids) {
        failures.keySet().retainAll(uids);
    }
}
