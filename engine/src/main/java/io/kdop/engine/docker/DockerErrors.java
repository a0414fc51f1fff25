package io.kdop.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Docker's own words for a failure, without docker-java's wrapping ("Status 404: {...}"). */
public final class DockerErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS = Pattern.compile("(?s)Status \\d+: (\\{.*})\\s*");

    private DockerErrors() {}

    /** The daemon's message when it sent one, else the root cause's. */
    public static String describe(Throwable t) {
        if (t instanceof DockerException && t.getMessage() != null) {
            Matcher m = STATUS.matcher(t.getMessage());
            if (m.matches()) {
                try {
                    JsonNode message = JSON.readTree(m.group(1)).get("message");
                    if (message != null && message.isTextual()) {
                        return message.asText().strip();
                    }
                } catch (java.io.IOException e) {
                    // not JSON after all: fall through to the whole text
                }
            }
            return t.getMessage().strip();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
    }

    /** True when Docker could not be reached at all (as opposed to refusing a request). */
    public static boolean unreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException || c instanceof java.util.concurrent.CancellationException) {
                return true;
            }
        }
        return false;
    }
}
