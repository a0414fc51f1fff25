package io.kdop.agent.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kdop.engine.store.DesiredStates;
import io.kdop.proto.v1.DesiredState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last desired-state snapshot the hub sent, kept in {@code <state-dir>/desired-state.pb} so an
 * agent restarted while the hub is unreachable still knows what to run.
 */
public final class DesiredStateStore implements DesiredStates {

    public static final String FILE_NAME = "desired-state.pb";
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateStore.class);

    private final Path file;
    private final Clock clock;
    private DesiredState current;

    private DesiredStateStore(Path file, Clock clock, DesiredState current) {
        this.file = file;
        this.clock = clock;
        this.current = current;
    }

    /** Opens the store in {@code stateDir}, reading what an earlier run persisted. */
    public static DesiredStateStore open(Path stateDir, Clock clock) throws IOException {
        AtomicFiles.ensureDirectory(stateDir);
        DesiredStateStore store = new DesiredStateStore(stateDir.resolve(FILE_NAME), clock, null);
        store.current = store.read();
        return store;
    }

    /** The persisted snapshot, if any. */
    @Override
    public synchronized Optional<DesiredState> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Persists a snapshot before the agent acts on (or acks) it.
     *
     * @return false when the same revision and digest were stored already (nothing rewritten)
     */
    public synchronized boolean save(DesiredState state) throws IOException {
        if (current != null && current.getRevision() == state.getRevision()
                && current.getDigest().equals(state.getDigest())) {
            return false;
        }
        AtomicFiles.write(file, state.toByteArray());
        current = state;
        return true;
    }

    private DesiredState read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return DesiredState.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            // keep the bytes for a post-mortem, but never let them stop the agent from connecting:
            // the hub resends the full snapshot on the next session
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt-" + clock.millis());
            Files.move(file, aside);
            LOG.error("{} is corrupt ({}); moved it to {} and starting without a desired state",
                    file, e.getMessage(), aside.getFileName());
            return null;
        }
    }
}
