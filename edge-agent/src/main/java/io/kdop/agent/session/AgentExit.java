package io.kdop.agent.session;

/** The agent must stop with this exit code; the message is the one line the user sees. */
public final class AgentExit extends Exception {

    public static final int FATAL = 1;
    public static final int USAGE = 2;
    public static final int CA_MISMATCH = 3;
    public static final int REFUSED = 4;
    /** Another agent holds the state directory. */
    public static final int STATE_DIR_IN_USE = 5;
    /** Another agent with this identity (a copy of the state directory elsewhere) holds the host's session. */
    public static final int IDENTITY_IN_USE = 6;

    private final int code;

    public AgentExit(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
