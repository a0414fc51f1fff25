package io.kdop.agent.session;

import io.kdop.agent.identity.IdentityStore;
import io.kdop.agent.identity.StoredIdentity;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/** The identity in use: read at every TLS handshake, replaced (stored first) on renewal. */
public final class CurrentIdentity {

    private final IdentityStore store;
    private final AtomicReference<StoredIdentity> current;

    public CurrentIdentity(IdentityStore store, StoredIdentity initial) {
        this.store = store;
        this.current = new AtomicReference<>(initial);
    }

    public StoredIdentity get() {
        return current.get();
    }

    /** Persists the new identity, then makes it current: a crash never loses a renewed key. */
    public void replace(StoredIdentity identity) throws IOException {
        store.save(identity);
        current.set(identity);
    }
}
