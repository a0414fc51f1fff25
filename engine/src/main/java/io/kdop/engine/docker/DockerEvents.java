package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.kdop.engine.backoff.Backoff;
import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Docker's event stream for this host's managed containers and calls back on the events
 * that may need a repair. The stream is re-opened (with a growing pause) whenever it ends, e.g.
 * when dockerd restarts; every (re)connection also calls back, since events may have been missed.
 */
public final class DockerEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DockerEvents.class);
    /**
     * What can leave a container other than desired. "health_status" arrives as
     * "health_status: healthy"; "update" is {@code docker update}, a change out of band.
     */
    static final Set<String> ACTIONS = Set.of("die", "stop", "destroy", "kill", "oom", "health_status", "start",
            "create", "update", "rename", "pause", "unpause");

    private final DockerClient client;
    private final Map<String, String> labels;
    private final Runnable onChange;
    private final DaemonProbe daemon;
    private final DockerOutages outages;
    private volatile boolean closed;
    private volatile Closeable stream;
    private volatile boolean failing;
    private Thread thread;

    /**
     * @param labels the labels an event's container must carry (all of them)
     * @param onChange called on the reconciler-relevant events and after each (re)connection;
     *     must not block
     * @param outages told when the stream ends (and whether the daemon still serves then), when a
     *     reconnection is not served, and when the stream is open again
     */
    public DockerEvents(DockerClient client, Map<String, String> labels, Runnable onChange, DaemonProbe daemon,
            DockerOutages outages) {
        this.client = client;
        this.labels = Map.copyOf(labels);
        this.onChange = onChange;
        this.daemon = daemon;
        this.outages = outages;
    }

    public DockerEvents start() {
        thread = Thread.ofVirtual().name("kdop-docker-events").start(this::follow);
        return this;
    }

    /** True for an action this class reports, e.g. "die" or "health_status: unhealthy". */
    static boolean relevant(String action) {
        if (action == null) {
            return false;
        }
        int colon = action.indexOf(':');
        return ACTIONS.contains(colon < 0 ? action : action.substring(0, colon));
    }

    /** The stream is open: from now on no event is missed, but some may have been before. */
    private void connected() {
        outages.streamOpened();
        if (failing) {
            LOG.info("following Docker's events again");
            failing = false;
        }
        onChange.run();
    }

    private void follow() {
        Backoff.Sequence pauses = Backoff.EVENT_STREAM.sequence();
        while (!closed) {
            long opened = System.nanoTime();
            ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onStart(Closeable closeable) {
                    super.onStart(closeable);
                    stream = closeable;
                    connected();
                }

                @Override
                public void onNext(Event event) {
                    if (relevant(event.getAction())) {
                        onChange.run();
                    }
                }
            };
            try {
                client.eventsCmd()
                        .withEventTypeFilter(EventType.CONTAINER)
                        .withLabelFilter(labels)
                        .exec(callback);
                callback.awaitCompletion();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed && !failing) {
                    LOG.warn("cannot follow Docker's events ({}); retrying, and resyncing meanwhile",
                            DockerErrors.describe(e));
                    failing = true;
                }
            }
            if (closed) {
                return;
            }
            if (stream != null) {
                outages.streamEnded(daemon.acceptsConnections()); // a stream that was open ended
                stream = null;
            } else {
                outages.notServed();
            }
            if (System.nanoTime() - opened > TimeUnit.SECONDS.toNanos(60)) {
                pauses.reset(); // a stream that lived a while ended normally (dockerd restarted): come back quickly
            }
            try {
                Thread.sleep(pauses.next());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Closeable s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (java.io.IOException e) {
                // closing anyway
            }
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
