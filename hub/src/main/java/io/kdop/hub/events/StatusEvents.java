package io.kdop.hub.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.kdop.hub.api.Conditions;
import io.kdop.hub.api.DockerHostStatus;
import io.kdop.hub.api.container.DockerContainerStatus;
import io.kdop.hub.api.job.DockerJobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The events a status change is worth, without I/O: what changed between the status before a
 * reconcile and the one it writes. Only transitions make events, so a status that stays as it is
 * (a hub restart, a resync) records nothing, and the output tail of a failed job never goes into
 * an event (it stays in the status, where its size is bounded).
 */
public final class StatusEvents {

    private StatusEvents() {}

    /** A DockerJob: an attempt started, the job succeeded or failed, an edit or a reference was refused. */
    public static List<KubeEvent> ofJob(DockerJobStatus before, DockerJobStatus after) {
        List<KubeEvent> events = new ArrayList<>();
        int attemptsBefore = before == null || before.attempts() == null ? 0 : before.attempts();
        int attempts = after.attempts() == null ? 0 : after.attempts();
        if (attempts > attemptsBefore) {
            events.add(KubeEvent.normal("AttemptStarted", "attempt " + attempts + " started on " + after.host()
                    + shortId(after.containerID())));
        }
        if (changed(before == null ? null : before.phase(), after.phase())) {
            if ("Succeeded".equals(after.phase())) {
                events.add(KubeEvent.normal("Completed", "succeeded after " + attempts + " attempt(s), exit code "
                        + after.exitCode()));
            } else if ("Failed".equals(after.phase())) {
                events.add(KubeEvent.warning(Optional.ofNullable(after.reason()).orElse("Failed"),
                        headline(after.message())));
            }
        }
        refused(before == null ? null : before.conditions(), after.conditions(), "Accepted").ifPresent(events::add);
        return events;
    }

    /** A DockerContainer: it runs, it was restarted or re-created, it failed or turned unhealthy. */
    public static List<KubeEvent> ofContainer(DockerContainerStatus before, DockerContainerStatus after) {
        List<KubeEvent> events = new ArrayList<>();
        String phaseBefore = before == null ? null : before.phase();
        if (changed(phaseBefore, after.phase()) && "Running".equals(after.phase())) {
            events.add(KubeEvent.normal("Running", "container runs on " + after.host() + shortId(after.containerID())));
        }
        int restartsBefore = before == null || before.restartCount() == null ? 0 : before.restartCount();
        int restarts = after.restartCount() == null ? 0 : after.restartCount();
        if (before != null && restarts > restartsBefore) {
            events.add(KubeEvent.warning("Restarted", "restarted or re-created on " + after.host() + " ("
                    + restarts + " time(s) so far)"));
        }
        refused(before == null ? null : before.conditions(), after.conditions(), Conditions.READY)
                .filter(e -> !isWaiting(e.reason()))
                .ifPresent(events::add);
        return events;
    }

    /**
     * Whether the host's status is between two settled ones: its agent reconnecting within the
     * grace period (also every host just after a hub restart). Events compare against the last
     * settled status, so a blip on a 4G link or a hub rollout tells nothing.
     */
    public static boolean inBetween(DockerHostStatus status) {
        return Conditions.find(status.getConditions(), Conditions.READY)
                .filter(c -> "AgentReconnecting".equals(c.getReason())).isPresent();
    }

    /** A DockerHost: its agent connected, went silent, or cannot reach Docker; or its spec was refused. */
    public static List<KubeEvent> ofHost(DockerHostStatus before, DockerHostStatus after) {
        List<KubeEvent> events = new ArrayList<>();
        Optional<Condition> readyBefore = Conditions.find(before == null ? null : before.getConditions(),
                Conditions.READY);
        Optional<Condition> ready = Conditions.find(after.getConditions(), Conditions.READY);
        String reasonBefore = readyBefore.map(Condition::getReason).orElse(null);
        String reason = ready.map(Condition::getReason).orElse(null);
        if (reason == null || !changed(reasonBefore, reason)) {
            return events;
        }
        String message = ready.map(Condition::getMessage).orElse("");
        switch (reason) {
            case "AgentConnected" -> events.add(KubeEvent.normal("AgentConnected", message));
            case "HeartbeatTimeout", "DockerUnreachable", "InvalidSpec" -> events.add(KubeEvent.warning(reason, message));
            default -> {
                // Pending states and reconnect grace: the status says enough
            }
        }
        return events;
    }

    /** A condition that has just turned False: its reason and message, as a warning. */
    private static Optional<KubeEvent> refused(List<Condition> before, List<Condition> after, String type) {
        Optional<Condition> now = Conditions.find(after, type).filter(c -> "False".equals(c.getStatus()));
        if (now.isEmpty()) {
            return Optional.empty();
        }
        Optional<Condition> then = Conditions.find(before, type);
        boolean same = then.filter(c -> "False".equals(c.getStatus())
                && Objects.equals(c.getReason(), now.get().getReason())).isPresent();
        return same ? Optional.empty()
                : Optional.of(KubeEvent.warning(now.get().getReason(), headline(now.get().getMessage())));
    }

    /** Reasons that mean "on the way", not "something is wrong". */
    private static boolean isWaiting(String reason) {
        return switch (reason == null ? "" : reason) {
            case "Updating", "WaitingForAgent", "HostNotConnected", "HealthStarting", "Pending", "Pulling",
                    "Creating" -> true;
            default -> false;
        };
    }

    private static boolean changed(String before, String after) {
        return after != null && !after.equals(before);
    }

    /** A job's message without its output tail. */
    private static String headline(String message) {
        if (message == null) {
            return "";
        }
        int tail = message.indexOf(". Last output:");
        return tail < 0 ? message : message.substring(0, tail);
    }

    private static String shortId(String containerId) {
        return containerId == null || containerId.isEmpty() ? ""
                : " in container " + containerId.substring(0, Math.min(12, containerId.length()));
    }
}
