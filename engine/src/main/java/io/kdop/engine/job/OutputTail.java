package io.kdop.engine.job;

import io.kdop.engine.plan.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The end of what an attempt printed (stdout and stderr as Docker interleaved them), fit for a
 * status message: the last {@value #MAX_LINES} lines, secrets redacted, at most {@value #MAX_BYTES}
 * bytes of UTF-8 cut on a character boundary, control characters other than newline and tab dropped.
 */
public final class OutputTail {

    public static final int MAX_LINES = 30;
    public static final int MAX_BYTES = 2048;
    private static final String CUT = "...";

    private OutputTail() {}

    /** The tail of raw output bytes (invalid UTF-8 becomes U+FFFD). */
    public static String of(byte[] raw, Redactor redactor) {
        String text = new String(raw, StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n');
        text = text.replaceAll("[\\x00-\\x08\\x0B-\\x1F\\x7F]", "").stripTrailing();
        List<String> lines = Arrays.asList(text.split("\n", -1));
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size()));
        // redact before cutting: a cut could otherwise leave a part of a secret no longer recognized
        return lastBytes(redactor.redact(tail), MAX_BYTES);
    }

    /** The end of {@code s} in at most {@code max} UTF-8 bytes, starting on a character boundary. */
    static String lastBytes(String s, int max) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return s;
        }
        int start = bytes.length - (max - CUT.length());
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++; // a continuation byte: the character began before the cut
        }
        return CUT + new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }
}
