package io.kdop.agent.session;

import io.kdop.engine.status.StatusBoard;
import io.kdop.proto.v1.StatusReport;
import java.util.Optional;

/**
 * Decides which status report one session sends: the latest one, when it differs from the last
 * sent on this session. A new session has sent nothing, so its first call (after the welcome)
 * sends the full report.
 */
final class StatusSender {

    private final StatusBoard board;
    private StatusReport lastSent;

    StatusSender(StatusBoard board) {
        this.board = board;
    }

    /** The report to send now, if any; assumes it is sent. */
    Optional<StatusReport> next() {
        Optional<StatusReport> latest = board.latest();
        if (latest.isEmpty() || latest.get().equals(lastSent)) {
            return Optional.empty();
        }
        lastSent = latest.get();
        return latest;
    }
}
