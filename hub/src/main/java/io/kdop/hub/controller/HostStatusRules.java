package io.kdop.hub.controller;

import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.api.Timestamps;
import io.kdop.hub.session.ConnectionView;
import io.kdop.proto.v1.HostFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rule for an agent-joined DockerHost's phase and Ready condition, without I/O (a direct
 * host's is DirectHostRules'):
 * never heard from → Pending; heard from within the grace period → Connected (Ready only while
 * the agent can reach its Docker daemon); otherwise Disconnected. After a hub restart the grace period counts from the restart, so restarting the
 * hub alone never marks a host Disconnected.
 */
public final class HostStatusRules {

    public static final String PENDING = "Pending";
    public static final String CONNECTED = "Connected";
    public static final String DISCONNECTED = "Disconnected";

    private HostStatusRules() {}

    /** Hub-wide timing the rules depend on. */
    public record Timing(Duration grace, Instant hubStartedAt) {}

    /** The status to write, and when to look again if nothing else happens first. */
    public record Outcome(DockerHostStatus status, Optional<Duration> recheckIn) {}

    /**
     * @param status the status after the join-token step (modified in place and returned)
     * @param hostName the DockerHost's name, for the messages
     */
    public static Outcome apply(DockerHostStatus status, String hostName, long generation,
            Optional<ConnectionView> connection, Optional<Long> desiredRevision, Timing timing, Instant now) {
        status.setObservedGeneration(generation);
        desiredRevision.ifPresent(status::setDesiredRevision);
        connection.ifPresent(c -> copyFacts(status, c));

        Optional<Instant> recorded = Timestamps.parse(status.getLastHeartbeatTime());
        Optional<Instant> lastSeen = connection.map(ConnectionView::lastSeen)
                .or(() -> recorded.map(t -> t.isBefore(timing.hubStartedAt()) ? timing.hubStartedAt() : t));
        String previousPhase = status.getPhase();

        String phase;
        Optional<Duration> recheck = Optional.empty();
        if (lastSeen.isEmpty()) {
            phase = PENDING;
        } else {
            Duration silence = Duration.between(lastSeen.get(), now);
            boolean withinGrace = silence.compareTo(timing.grace()) <= 0;
            boolean everConnected = connection.isPresent() || CONNECTED.equals(previousPhase)
                    || DISCONNECTED.equals(previousPhase);
            phase = withinGrace ? (everConnected ? CONNECTED : PENDING) : DISCONNECTED;
            if (withinGrace) {
                recheck = Optional.of(timing.grace().minus(silence).plusSeconds(1));
            }
        }
        status.setPhase(phase);

        // The heartbeat time is written at most every half grace period: fresh enough to read, but a
        // thousand agents heartbeating do not become a thousand status writes every few seconds.
        if (connection.isPresent()) {
            Instant seen = connection.get().lastSeen();
            boolean stale = recorded.isEmpty()
                    || Duration.between(recorded.get(), seen).compareTo(timing.grace().dividedBy(2)) >= 0;
            if (stale || !phase.equals(previousPhase)) {
                status.setLastHeartbeatTime(Timestamps.format(seen));
            }
        }

        switch (phase) {
            case CONNECTED -> {
                boolean live = connection.map(ConnectionView::live).orElse(false);
                String dockerError = connection.map(ConnectionView::facts).map(HostFacts::getDockerError).orElse("");
                if (live && !dockerError.isEmpty()) {
                    ready(status, false, "DockerUnreachable", "agent " + nz(status.getAgentVersion())
                            + " connected, but " + dockerError + "; containers keep running, and the agent "
                            + "reconciles them again as soon as Docker answers", generation, now);
                    break;
                }
                String message = live
                        ? "agent " + nz(status.getAgentVersion()) + " connected; Docker " + nz(status.getDockerVersion())
                                + " on " + nz(status.getPlatform())
                        : "waiting for the agent to reconnect since " + Timestamps.format(lastSeen.get())
                                + "; Disconnected after " + timing.grace().toSeconds() + "s";
                ready(status, true, live ? "AgentConnected" : "AgentReconnecting", message, generation, now);
            }
            case DISCONNECTED -> ready(status, false, "HeartbeatTimeout", "no heartbeat from the agent since "
                    + status.getLastHeartbeatTime() + " (grace period " + timing.grace().toSeconds() + "s); "
                    + "containers keep running on the host; check the agent and its network", generation, now);
            default -> {
                return pending(status, hostName, generation, now);
            }
        }
        return new Outcome(status, recheck);
    }

    private static Outcome pending(DockerHostStatus status, String hostName, long generation, Instant now) {
        Optional<Instant> expiry = Timestamps.parse(status.getJoinTokenExpiresAt());
        if (status.getJoinedAt() != null && status.getJoinTokenId() == null) {
            ready(status, false, "AwaitingSession", "the agent joined at " + status.getJoinedAt()
                    + " but has not opened its session yet", generation, now);
            return new Outcome(status, Optional.empty());
        }
        if (expiry.isPresent() && !now.isBefore(expiry.get())) {
            ready(status, false, "JoinTokenExpired", "the join token expired at " + status.getJoinTokenExpiresAt()
                    + " before an agent used it; request a new one: kubectl annotate dockerhost " + hostName + " "
                    + KdopApi.TOKEN_REQUEST_ANNOTATION + "=$(date +%s) --overwrite", generation, now);
            return new Outcome(status, Optional.empty());
        }
        if (status.getJoinSecretName() != null) {
            ready(status, false, "AwaitingJoin", "waiting for an agent to join: run the command in Secret "
                    + status.getJoinSecretName() + " (key join-command) on the Docker host; the token expires at "
                    + status.getJoinTokenExpiresAt(), generation, now);
            return new Outcome(status, expiry.map(e -> Duration.between(now, e).plusSeconds(1)));
        }
        ready(status, false, "AwaitingJoin", "waiting for a join token to be issued", generation, now);
        return new Outcome(status, Optional.empty());
    }

    private static void copyFacts(DockerHostStatus status, ConnectionView c) {
        HostFacts f = c.facts();
        status.setAgentVersion(emptyToNull(c.agentVersion()));
        status.setAppliedRevision(c.appliedRevision());
        if (f == null || !f.getDockerError().isEmpty()) {
            return; // what Docker said last is still the best knowledge of the host
        }
        status.setDockerVersion(emptyToNull(f.getDockerVersion()));
        status.setOs(emptyToNull(f.getOs()));
        status.setArch(emptyToNull(f.getArch()));
        status.setPlatform(f.getOs().isEmpty() ? null : f.getOs() + "/" + f.getArch());
        status.setOperatingSystem(emptyToNull(f.getOperatingSystem()));
        status.setKernelVersion(emptyToNull(f.getKernelVersion()));
        status.setCpus(f.getCpus() == 0 ? null : f.getCpus());
        status.setMemoryBytes(f.getMemoryBytes() == 0 ? null : f.getMemoryBytes());
        status.setContainersRunning(f.getContainersRunning());
        status.setManagedContainers(f.getManagedContainers());
    }

    private static void ready(DockerHostStatus status, boolean ready, String reason, String message, long generation,
            Instant now) {
        status.setConditions(Conditions.with(status.getConditions(), Conditions.READY, ready, reason, message,
                generation, now));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String nz(String s) {
        return s == null ? "unknown" : s;
    }
}
