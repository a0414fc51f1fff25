package io.kdop.hub.join;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether a join may wait for a worker: only if it can expect to be answered before its caller
 * gives up. A join that would wait past the agent's deadline is deferred at once, with the time
 * after which the backlog should have room for it, so no agent times out and tries again on top
 * of the queue, and none sleeps longer than the hub needs.
 *
 * @param workers joins the hub runs at once
 * @param maxWaiting joins that may wait at most, whatever their deadlines (memory)
 * @param margin kept free before a caller's deadline for the join itself and the answer's way back
 * @param noDeadline what a caller without a deadline is assumed to wait
 */
record JoinAdmission(int workers, int maxWaiting, Duration margin, Duration noDeadline) {

    /** Never tell an agent to come back sooner than this: the backlog will not have moved. */
    static final Duration MIN_RETRY = Duration.ofSeconds(1);

    JoinAdmission {
        if (workers <= 0 || maxWaiting <= 0) {
            throw new IllegalArgumentException("a join queue needs workers and room");
        }
    }

    /**
     * @param waiting joins queued before this one (not those running)
     * @param meanJoin how long one join has taken lately
     * @param timeLeft until this caller's deadline, empty when it set none
     * @return empty to admit, else how long the caller should wait before trying again
     */
    Optional<Duration> decide(int waiting, Duration meanJoin, Optional<Duration> timeLeft) {
        Duration expectedWait = meanJoin.multipliedBy(waiting).dividedBy(workers);
        Duration budget = budget(timeLeft);
        if (waiting < maxWaiting && expectedWait.compareTo(budget) <= 0) {
            return Optional.empty();
        }
        // By then the joins ahead of the budget's worth are done: the caller would fit again.
        return Optional.of(atLeastMinimum(expectedWait.minus(budget)));
    }

    /**
     * Whether a join that waited may still run: its caller must have time left for it, else it is
     * deferred (the answer reaches the agent before its deadline, unlike a join that would be late).
     */
    boolean stillInTime(Duration meanJoin, Optional<Duration> timeLeft) {
        // four mean joins: a join slows down with the API server, as the budget allows for
        return timeLeft.map(left -> left.compareTo(meanJoin.multipliedBy(4)) > 0).orElse(true);
    }

    /** How long the joins now waiting will keep the workers busy: when a late caller should come back. */
    Duration drainTime(int waiting, Duration meanJoin) {
        return atLeastMinimum(meanJoin.multipliedBy(waiting).dividedBy(workers));
    }

    private static Duration atLeastMinimum(Duration retry) {
        return retry.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : retry;
    }

    /**
     * Half of what the caller can wait beyond the margin: joins slow down as the API server gets
     * busier, so the estimate may be off by half again without an agent passing its deadline.
     */
    private Duration budget(Optional<Duration> timeLeft) {
        Duration left = timeLeft.orElse(noDeadline);
        Duration withMargin = left.minus(margin);
        // a caller with a short deadline still gets a quarter of it rather than none
        Duration quarter = left.dividedBy(4);
        return withMargin.compareTo(quarter.multipliedBy(2)) > 0 ? withMargin.dividedBy(2) : quarter;
    }
}
