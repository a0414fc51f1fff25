package io.kdop.engine.plan;

/**
 * A container's state as Docker reports it.
 *
 * @param status Docker's status: created, running, paused, restarting, removing, exited or dead
 * @param health starting, healthy, unhealthy, or "" without a health check
 * @param ipv4 the container's address on its network, "" if none
 * @param restartCount Docker's RestartCount (restarts by its restart policy)
 * @param startedAt RFC 3339, "" if it never started
 * @param exitCode of the last run
 * @param finishedAt RFC 3339, when the last run ended; "" if it never did
 * @param error Docker's error for the last start, "" if none
 */
public record RuntimeState(String status, String health, String ipv4, int restartCount, String startedAt,
        int exitCode, boolean oomKilled, String error, String finishedAt) {

    public boolean running() {
        return status.equals("running");
    }
}
