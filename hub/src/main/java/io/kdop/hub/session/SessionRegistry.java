package io.kdop.hub.session;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HostFacts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The live agent sessions, at most one per host, and the last known connection facts of every
 * host. Every change is announced to a listener (the DockerHost controller), which owns status.
 *
 * <p>Registration, revocation and supersession of one host are atomic with respect to each other
 * (they go through the same map entry), so a session whose hello raced with the deletion of its
 * host, or with a newer join, never stays live.
 */
public final class SessionRegistry {

    private final Map<String, AgentSession> live = new ConcurrentHashMap<>();
    private final Map<String, ConnectionView> views = new ConcurrentHashMap<>();
    private final Set<String> revokedUids = ConcurrentHashMap.newKeySet();
    private final Map<String, String> latestGeneration = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration holdWindow;
    private final Consumer<AgentIdentity> onChange;

    /**
     * @param holdWindow how recently a live session must have been heard from to keep its place
     *     against a newcomer with the same identity (two heartbeat intervals)
     */
    public SessionRegistry(Clock clock, Duration holdWindow, Consumer<AgentIdentity> onChange) {
        this.clock = clock;
        this.holdWindow = holdWindow;
        this.onChange = onChange;
    }

    /** Outcome of registering a session. */
    public enum Registration { ACCEPTED, REVOKED, SUPERSEDED, IDENTITY_IN_USE }

    /**
     * Makes the session the host's live one; an older session of the same host is closed, unless
     * it has the same identity and is still heard from. Two agents with one certificate (a copied
     * state directory, a cloned disk) would otherwise replace each other forever: the one that
     * holds stays, the newcomer is refused. A session that went silent (its agent restarted, its
     * link changed) is replaced, so a genuine reconnect waits at most the hold window.
     */
    Registration register(AgentSession session, String agentVersion, HostFacts facts, long appliedRevision) {
        AgentIdentity identity = session.identity();
        String key = identity.hostKey();
        Registration[] outcome = {Registration.ACCEPTED};
        AgentSession[] replaced = new AgentSession[1];
        live.compute(key, (k, current) -> {
            if (revokedUids.contains(identity.uid())) {
                outcome[0] = Registration.REVOKED;
                return current;
            }
            String latest = latestGeneration.get(key);
            if (latest != null && !latest.equals(identity.generation())) {
                outcome[0] = Registration.SUPERSEDED;
                return current;
            }
            if (current != null && current != session && holds(current, identity)) {
                outcome[0] = Registration.IDENTITY_IN_USE;
                return current;
            }
            replaced[0] = current;
            return session;
        });
        if (outcome[0] != Registration.ACCEPTED) {
            return outcome[0];
        }
        if (replaced[0] != null && replaced[0] != session) {
            replaced[0].close(ErrorReason.SESSION_REPLACED, "a newer session of " + key + " replaced this one");
        }
        views.put(key, new ConnectionView(true, clock.instant(), agentVersion, facts, appliedRevision));
        onChange.accept(identity);
        return Registration.ACCEPTED;
    }

    private boolean holds(AgentSession current, AgentIdentity newcomer) {
        if (!current.identity().equals(newcomer)) {
            return false;
        }
        ConnectionView view = views.get(newcomer.hostKey());
        return view != null && view.live() && view.lastSeen().isAfter(clock.instant().minus(holdWindow));
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

    /** The live sessions now, one per connected host. */
    public List<AgentSession> liveSessions() {
        return List.copyOf(live.values());
    }

    public Optional<AgentSession> liveSession(String hostKey) {
        return Optional.ofNullable(live.get(hostKey));
    }

    /** Ends the host's session for good (its DockerHost was deleted) and refuses its UID from now on. */
    public void revoke(String hostKey, String uid, String message) {
        revokedUids.add(uid);
        AgentSession session = live.remove(hostKey);
        views.remove(hostKey);
        latestGeneration.remove(hostKey);
        if (session != null) {
            session.close(ErrorReason.HOST_REVOKED, message);
        }
    }

    /**
     * Ends the host's live session, if any, because the host became a direct host: the identity
     * is not revoked, and the agent is admitted again if spec.hostURL goes.
     */
    public void endSessionOfDirectHost(String hostKey) {
        AgentSession session = live.remove(hostKey);
        views.remove(hostKey);
        if (session != null) {
            session.close(ErrorReason.HOST_IS_DIRECT, AgentSession.directHostMessage(hostKey));
        }
    }

    /** An agent just joined the host: sessions of earlier joins of that host end now and are refused later. */
    public void superseded(AgentIdentity joined) {
        String key = joined.hostKey();
        latestGeneration.put(key, joined.generation());
        AgentSession[] old = new AgentSession[1];
        live.computeIfPresent(key, (k, current) -> {
            if (current.identity().generation().equals(joined.generation())) {
                return current;
            }
            old[0] = current;
            return null;
        });
        if (old[0] != null) {
            old[0].close(ErrorReason.HOST_REVOKED, "DockerHost " + key
                    + " was joined again with a newer token; this agent's identity is superseded");
        }
    }

    private void update(AgentSession session, UnaryOperator<ConnectionView> change) {
        if (!isLive(session)) {
            return;
        }
        views.computeIfPresent(session.identity().hostKey(), (k, view) -> change.apply(view));
        onChange.accept(session.identity());
    }
}
