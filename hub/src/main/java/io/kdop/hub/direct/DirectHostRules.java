package io.kdop.hub.direct;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rule for a direct host's phase and conditions, without I/O, as for agent hosts: Connected
 * while its Docker API answers, with what Docker says about the host; otherwise Pending (never
 * answered) or Disconnected (answered before), Ready=False with the probe's reason. A plain-TCP
 * host also carries the InsecureTransport warning condition.
 */
public final class DirectHostRules {

    public static final String PENDING = "Pending";
    public static final String CONNECTED = "Connected";
    public static final String DISCONNECTED = "Disconnected";
    /** The warning condition of a host the hub reaches over plain TCP. */
    public static final String INSECURE = "InsecureTransport";
    /** How often a host that answers is asked again. */
    static final Duration CONNECTED_RECHECK = Duration.ofSeconds(30);
    /** How often a host that does not answer (or whose spec or Secret is wrong) is tried again. */
    static final Duration FAILING_RECHECK = Duration.ofSeconds(10);

    private DirectHostRules() {}

    /** What the probe step came to: the endpoint it used (if the spec made one) and its result. */
    public record Probed(Optional<DirectEndpoint> endpoint, ProbeResult result) {}

    /** The status to write, and when to probe again. */
    public record Outcome(DockerHostStatus status, Duration recheckIn) {}

    /** @param status the current status (modified in place and returned) */
    public static Outcome apply(DockerHostStatus status, long generation, Probed probed, Instant now) {
        status.setObservedGeneration(generation);
        String previous = status.getPhase();
        List<Condition> conditions = status.getConditions();
        boolean plain = probed.endpoint().map(e -> e.transport() == DirectEndpoint.Transport.PLAIN_TCP).orElse(false);
        conditions = plain
                ? Conditions.with(conditions, INSECURE, true, "PlainTCP", "the hub talks to "
                        + probed.endpoint().get().dockerHost() + " over plain TCP (spec.allowInsecure): nothing is "
                        + "encrypted or authenticated, and anyone who can reach that port controls the host; "
                        + "use spec.tlsSecretName for mutual TLS", generation, now)
                : conditions.stream().filter(c -> !INSECURE.equals(c.getType())).toList();

        Duration recheck;
        switch (probed.result()) {
            case ProbeResult.Answered answered -> {
                DockerFacts f = answered.facts();
                copyFacts(status, f);
                status.setPhase(CONNECTED);
                Optional<Instant> recorded = Timestamps.parse(status.getLastHeartbeatTime());
                // written at most every half probe interval, as agent heartbeats are
                if (recorded.isEmpty() || !CONNECTED.equals(previous)
                        || Duration.between(recorded.get(), now).compareTo(CONNECTED_RECHECK.dividedBy(2)) >= 0) {
                    status.setLastHeartbeatTime(Timestamps.format(now));
                }
                conditions = Conditions.with(conditions, Conditions.READY, true, "DirectConnected", "Docker "
                        + nz(f.dockerVersion()) + " on " + nz(status.getPlatform()) + " answers at "
                        + probed.endpoint().map(e -> e.dockerHost() + " (" + transport(e) + ")").orElse("its hostURL")
                        + "; the hub runs this host's DockerContainers itself", generation, now);
                recheck = CONNECTED_RECHECK;
            }
            case ProbeResult.Failed failed -> {
                // what Docker said last stays: it is still the best knowledge of the host
                status.setPhase(CONNECTED.equals(previous) || DISCONNECTED.equals(previous) ? DISCONNECTED : PENDING);
                conditions = Conditions.with(conditions, Conditions.READY, false, failed.reason(), failed.message(),
                        generation, now);
                recheck = FAILING_RECHECK;
            }
        }
        status.setConditions(conditions);
        return new Outcome(status, recheck);
    }

    private static void copyFacts(DockerHostStatus status, DockerFacts f) {
        status.setDockerVersion(f.dockerVersion());
        status.setOs(f.os());
        status.setArch(f.arch());
        status.setPlatform(f.os() == null ? null : f.os() + "/" + f.arch());
        status.setOperatingSystem(f.operatingSystem());
        status.setKernelVersion(f.kernelVersion());
        status.setCpus(f.cpus());
        status.setMemoryBytes(f.memoryBytes());
        status.setContainersRunning(f.containersRunning());
    }

    private static String transport(DirectEndpoint e) {
        return switch (e.transport()) {
            case TLS -> "mutual TLS, server name " + e.serverName() + " checked";
            case PLAIN_TCP -> "plain TCP";
            case UNIX -> "Unix socket";
        };
    }

    private static String nz(String s) {
        return s == null ? "unknown" : s;
    }
}
