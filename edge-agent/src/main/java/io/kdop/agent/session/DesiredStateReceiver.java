package io.kdop.agent.session;

import io.kdop.agent.store.DesiredStateStore;
import io.kdop.proto.v1.Ack;
import io.kdop.proto.v1.DesiredState;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the hub's desired-state snapshots: persists each before it is acked, never goes back to a
 * lower revision, and says in the ack what the agent now holds.
 */
final class DesiredStateReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateReceiver.class);

    private final DesiredStateStore store;
    private final Runnable onPersisted;

    DesiredStateReceiver(DesiredStateStore store) {
        this(store, () -> {});
    }

    /** @param onPersisted told (without waiting) after each new snapshot is persisted: the reconciler's trigger */
    DesiredStateReceiver(DesiredStateStore store, Runnable onPersisted) {
        this.store = store;
        this.onPersisted = onPersisted;
    }

    /** The snapshot the agent holds, for the hello. */
    Optional<DesiredState> applied() {
        return store.current();
    }

    /** Persists the snapshot (unless it is older than the stored one) and returns the ack to send. */
    Ack receive(DesiredState state) {
        Optional<DesiredState> stored = store.current();
        if (stored.isPresent() && state.getRevision() < stored.get().getRevision()) {
            // Revisions never decrease for a host: an older snapshot would undo what the hub asked
            // for later. Keep the newer one and tell the hub which one that is.
            DesiredState kept = stored.get();
            LOG.warn("the hub sent desired state revision {}, older than the stored revision {}; keeping revision {}",
                    state.getRevision(), kept.getRevision(), kept.getRevision());
            return Ack.newBuilder().setRevision(kept.getRevision()).setDigest(kept.getDigest())
                    .setError("stale revision " + state.getRevision() + " < " + kept.getRevision())
                    .build();
        }
        Ack.Builder ack = Ack.newBuilder().setRevision(state.getRevision()).setDigest(state.getDigest());
        try {
            if (store.save(state)) {
                LOG.info("desired state revision {} persisted ({} containers)", state.getRevision(), state.getContainersCount());
                onPersisted.run();
            } else {
                LOG.debug("desired state revision {} unchanged", state.getRevision());
            }
        } catch (IOException e) {
            LOG.error("cannot persist desired state revision {}: {}", state.getRevision(), e.toString());
            ack.setError("cannot persist the desired state: " + e.getMessage());
        }
        return ack.build();
    }
}
