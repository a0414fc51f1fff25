package io.kdop.hub.pki;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's CAs now: read by every join, renewal and session; replaced when the CA Secret
 * changes (a rotation step), which tells the listeners (the TLS material, the live sessions).
 */
public final class HubCas implements Supplier<CaSet> {

    private static final Logger LOG = LoggerFactory.getLogger(HubCas.class);

    private final List<Consumer<CaSet>> listeners = new CopyOnWriteArrayList<>();
    private volatile CaSet current;

    public HubCas(CaSet initial) {
        this.current = Objects.requireNonNull(initial);
    }

    @Override
    public CaSet get() {
        return current;
    }

    /** Called with every later set of CAs that differs from the one before. */
    public void onChange(Consumer<CaSet> listener) {
        listeners.add(listener);
    }

    /** Makes {@code next} current and tells the listeners, unless it holds the same CAs. */
    public synchronized void update(CaSet next) {
        if (current.sameAs(next)) {
            return;
        }
        current = next;
        LOG.info("the hub's CAs changed: {}", next.describe());
        for (Consumer<CaSet> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                // one failing listener must not keep the others on the old CAs
                LOG.error("could not apply the new CAs to {}: {}", listener, e.toString());
            }
        }
    }
}
