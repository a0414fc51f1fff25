package io.kdop.engine.docker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent spans in which the Docker daemon was away, as the event stream saw them: the stream
 * ended, a fresh connection was not served, and later the stream opened again. The job driver asks
 * it about a container that died by a signal when the pass came too late to catch the daemon
 * stopping: dockerd stops its containers before it exits, within its shutdown timeout (15 s by
 * default), so a signal death shortly before the stream ended was the daemon's doing.
 */
public final class DockerOutages {

    /** Docker's default shutdown timeout, and some. */
    static final Duration BEFORE_LOSS = Duration.ofSeconds(20);
    /** Docker's FinishedAt and the agent's clock are the same host's, but not read at the same instant. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** Enough for a daemon that restarts a few times while a job runs. */
    private static final int KEPT = 8;

    private record Span(Instant lostAt, Instant backAt) {}

    private final Clock clock;
    private final Deque<Span> recent = new ArrayDeque<>();
    private Instant lostAt;
    private boolean away;

    public DockerOutages(Clock clock) {
        this.clock = clock;
    }

    /** The event stream ended; {@code served} says whether a fresh connection was served just after. */
    synchronized void streamEnded(boolean served) {
        if (lostAt == null) {
            lostAt = clock.instant();
        }
        away |= !served;
    }

    /** A (re)connection attempt was not served. */
    synchronized void notServed() {
        if (lostAt != null) {
            away = true;
        }
    }

    /** The event stream is open again: a span in which the daemon was away ends now. */
    synchronized void streamOpened() {
        if (lostAt != null && away) {
            recent.addLast(new Span(lostAt, clock.instant()));
            while (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
        lostAt = null;
        away = false;
    }

    /** Whether something at {@code at} (by Docker's clock) happened as the daemon went away or while it was. */
    public synchronized boolean covers(Instant at) {
        // an outage not over yet (as far as the stream knows) covers everything since it began
        boolean current = lostAt != null && away && !at.isBefore(lostAt.minus(BEFORE_LOSS));
        return current || recent.stream().anyMatch(s -> !at.isBefore(s.lostAt().minus(BEFORE_LOSS))
                && !at.isAfter(s.backAt().plus(SLACK)));
    }
}
