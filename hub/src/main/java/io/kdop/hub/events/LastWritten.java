package io.kdop.hub.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status this hub last wrote for each resource, so a transition is told once. The informer's
 * copy of a resource can lag behind a status patch the hub has just made; a reconcile that runs on
 * that copy would see the same transition again and record its events twice. After a hub restart
 * the memory is empty and the informer's copy, fresh from the API server, is the truth.
 *
 * @param <S> the status type
 */
public final class LastWritten<S> {

    private final Map<String, S> byUid = new ConcurrentHashMap<>();

    /** The status to compare a new one against: what this hub wrote last, else what the cache holds. */
    public S before(String uid, S cached) {
        return byUid.getOrDefault(uid, cached);
    }

    public void wrote(String uid, S status) {
        byUid.put(uid, status);
    }

    /** The resource is gone. */
    public void forget(String uid) {
        byUid.remove(uid);
    }
}
