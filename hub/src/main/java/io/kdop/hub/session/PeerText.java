package io.kdop.hub.session;

import java.util.regex.Pattern;

/**
 * Text an agent sent, made safe for one log line or for a Kubernetes status: bounded, and with no
 * line breaks or other controls to forge log entries or to steer the terminal of whoever reads it.
 */
public final class PeerText {

    /** Longest agent text in a log line. */
    public static final int LOG_MAX = 256;
    /** Longest agent text in one status field (a version, an OS name, a Docker error). */
    public static final int FIELD_MAX = 1024;

    // C0/C1 controls, format characters (bidi overrides) and Unicode line and paragraph separators
    private static final Pattern UNSAFE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");
    // the same, but a multi-line message (a job's output tail) keeps its line feeds and tabs
    private static final Pattern UNSAFE_IN_LINES = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}&&[^\\n\\t]]");

    private PeerText() {}

    /** For a log line: one line, at most {@value #LOG_MAX} characters and an ellipsis. */
    public static String forLog(String text) {
        return UNSAFE.matcher(cut(text, LOG_MAX)).replaceAll("?");
    }

    /** For one status field: one line, at most {@value #FIELD_MAX} characters and an ellipsis. */
    public static String forStatus(String text) {
        return UNSAFE.matcher(cut(text, FIELD_MAX)).replaceAll("?");
    }

    /** For a status message that may span lines: line feeds and tabs stay, at most {@code max} characters. */
    public static String forStatusLines(String text, int max) {
        return UNSAFE_IN_LINES.matcher(cut(text, max)).replaceAll("?");
    }

    private static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text == null ? "" : text;
        }
        // never half a surrogate pair: it would not encode as UTF-8
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…";
    }
}
