package io.kdop.hub.session;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostFacts;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The live agent sessions, at most one per host, and the last known connection facts of every
 * host. Every change is announced to a listener (the DockerHost controller), which owns status.
 */
public final class SessionRegistry {

    private final Map<String, AgentSession> live = new ConcurrentHashMap<>();
    private final Map<String, ConnectionView> views = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Consumer<AgentIdentity> onChange;

    public SessionRegistry(Clock clock, Consumer<AgentIdentity> onChange) {
        this.clock = clock;
        this.onChange = onChange;
    }

    /** Makes the session the host's live one; an older session of the same host is closed. */
    void register(AgentSession session, String agentVersion, HostFacts facts, long appliedRevision) {
        String key = session.identity().hostKey();
        AgentSession previous = live.put(key, session);
        if (previous != null && previous != session) {
            previous.close(ErrorReason.SESSION_REPLACED, "a newer session of " + key + " replaced this one");
        }
        views.put(key, new ConnectionView(true, clock.instant(), clock.instant(), agentVersion, facts, appliedRevision));
        onChange.accept(session.identity());
    }

    boolean isLive(AgentSession session) {
        return live.get(session.identity().hostKey()) == session;
    }

    void heard(AgentSession session, HostFacts facts) {
        update(session, view -> view.heard(clock.instant(), facts));
    }

    void applied(AgentSession session, long revision) {
        update(session, view -> view.applied(clock.instant(), revision));
    }

    void closed(AgentSession session) {
        String key = session.identity().hostKey();
        if (live.remove(key, session)) {
            views.computeIfPresent(key, (k, view) -> view.closed(clock.instant()));
            onChange.accept(session.identity());
        }
    }

    public Optional<ConnectionView> view(String hostKey) {
        return Optional.ofNullable(views.get(hostKey));
    }

    public Optional<AgentSession> liveSession(String hostKey) {
        return Optional.ofNullable(live.get(hostKey));
    }

    /** Ends the host's session for good (its DockerHost was deleted) and forgets it. */
    public void revoke(String hostKey, String message) {
        AgentSession session = live.remove(hostKey);
        views.remove(hostKey);
        if (session != null) {
            session.close(ErrorReason.HOST_REVOKED, message);
        }
    }

    public int liveCount() {
        return live.size();
    }

    private void update(AgentSession session, java.util.function.UnaryOperator<ConnectionView> change) {
        String key = session.identity().hostKey();
        if (!isLive(session)) {
            return;
        }
        views.computeIfPresent(key, (k, view) -> change.apply(view));
        onChange.accept(session.identity());
    }
}
