package io.kdop.hub.join;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins waiting for one of the hub's few join workers. The gRPC call thread only queues a join
 * (sessions keep their threads however many agents join); a join whose caller would give up
 * before its turn is answered at once with the time to come back (see {@link JoinAdmission}).
 */
public final class JoinQueue implements AutoCloseable {

    /**
     * Joins in progress at once: each mostly waits on five Kubernetes round trips. 12 joined a
     * fleet of 1000 in 55 s on the real API server, 8 in 63 s (docs/benchmarks.md).
     */
    static final int WORKERS = 12;
    static final int MAX_WAITING = 4096;
    /** Kept free before an agent's 30 s deadline for the join and the answer's way back. */
    static final Duration MARGIN = Duration.ofSeconds(5);
    /** A first guess until joins have been timed; a few round trips to the API server. */
    private static final Duration FIRST_GUESS = Duration.ofMillis(100);

    /** One join as the queue sees it. */
    public interface Join {
        /** Until the caller gives up; empty when it set no deadline. */
        Optional<Duration> timeLeft();

        /** The caller has gone (cancelled, deadline passed): nobody would read an answer. */
        boolean abandoned();

        /** Does the join and answers the caller. */
        void run();

        /** Answers the caller: try again after this long. */
        void defer(Duration retryAfter, int waiting);
    }

    private final JoinAdmission admission;
    private final ExecutorService workers;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Mean join time in nanoseconds, an exponentially weighted moving average. */
    private final AtomicLong meanNanos = new AtomicLong(FIRST_GUESS.toNanos());

    public JoinQueue() {
        this(new JoinAdmission(WORKERS, MAX_WAITING, MARGIN, Duration.ofSeconds(30)));
    }

    JoinQueue(JoinAdmission admission) {
        this.admission = admission;
        this.workers = Executors.newFixedThreadPool(admission.workers(),
                Thread.ofPlatform().name("kdop-join-", 0).daemon().factory());
    }

    /** Queues the join, or defers it at once when it could not be answered in time. */
    public void submit(Join join) {
        int ahead = waiting.get();
        Optional<Duration> deferral = admission.decide(ahead, meanJoin(), join.timeLeft());
        if (deferral.isPresent()) {
            join.defer(deferral.get(), ahead);
            return;
        }
        waiting.incrementAndGet();
        workers.execute(() -> {
            waiting.decrementAndGet();
            if (join.abandoned()) {
                return;
            }
            if (!admission.stillInTime(meanJoin(), join.timeLeft())) {
                int behind = waiting.get();
                join.defer(admission.drainTime(behind, meanJoin()), behind);
                return;
            }
            long start = System.nanoTime();
            try {
                join.run();
            } finally {
                record(System.nanoTime() - start);
            }
        });
    }

    /** How long one join has taken lately. */
    Duration meanJoin() {
        return Duration.ofNanos(meanNanos.get());
    }

    int waiting() {
        return waiting.get();
    }

    private void record(long nanos) {
        // weight 1/8: a few slow joins (a cold API server) move it, one outlier does not
        meanNanos.updateAndGet(mean -> mean + (nanos - mean) / 8);
    }

    @Override
    public void close() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
    }
}
