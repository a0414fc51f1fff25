package io.kdop.hub.session;

/** Text an agent sent, made safe for one log line: bounded, with no line breaks or other controls to forge entries with. */
public final class PeerText {

    private static final int MAX = 256;

    private PeerText() {}

    public static String forLog(String text) {
        String cut = text.length() <= MAX ? text : text.substring(0, MAX) + "…";
        // C0/C1 controls, format characters (bidi overrides) and Unicode line and paragraph separators
        return cut.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "?");
    }
}
