package io.kdop.engine.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kdop.proto.v1.JobSpec;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The one JSON form of a {@link JobRecord}, wherever it is kept: the agent's file and the hub's
 * Secret hold the same bytes. The spec inside holds secret values (it is the protobuf, base64),
 * so whatever stores these bytes must be as private as the workload's Secrets.
 */
public final class JobRecordJson {

    /** The version of the format; a record of another version is unreadable to this one. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobRecordJson() {}

    public static byte[] encode(JobRecord r) {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("uid", r.uid());
        // for people reading the record; the spec below is what counts
        json.put("workload", r.workload().getKind() + " " + r.workload().getNamespace() + "/" + r.workload().getName());
        json.put("specDigest", r.specDigest());
        json.put("state", r.state().name());
        json.put("attempts", r.attempts());
        json.put("startTime", text(r.startTime()));
        json.put("containerId", r.containerId());
        json.put("previousStartedAt", r.previousStartedAt());
        if (r.exitCode() != null) {
            json.put("exitCode", r.exitCode());
        } else {
            json.putNull("exitCode");
        }
        json.put("nextAttemptAt", text(r.nextAttemptAt()));
        json.put("completionTime", text(r.completionTime()));
        json.put("reason", r.reason());
        json.put("message", r.message());
        json.put("lastOutput", r.lastOutput());
        json.put("containerRemoved", r.containerRemoved());
        json.put("interruptions", r.interruptions());
        json.put("spec", Base64.getEncoder().encodeToString(r.spec().toByteArray()));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /**
     * The record these bytes hold.
     *
     * @throws IllegalArgumentException or IOException when they are not a record of this format
     */
    public static JobRecord decode(byte[] bytes) throws IOException {
        JsonNode json = JSON.readTree(bytes);
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int format = json.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + json.path("format") + ", this version reads format "
                    + FORMAT);
        }
        JobSpec spec;
        try {
            spec = JobSpec.parseFrom(Base64.getDecoder().decode(required(json, "spec").asText()));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("the spec does not parse: " + e.getMessage(), e);
        }
        if (!spec.getContainer().getWorkload().getUid().equals(required(json, "uid").asText())) {
            throw new IllegalArgumentException("the spec is of another job than the uid says");
        }
        int attempts = required(json, "attempts").asInt(-1);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts " + json.get("attempts"));
        }
        JsonNode exit = json.path("exitCode");
        return new JobRecord(spec,
                JobRecord.State.valueOf(required(json, "state").asText()),
                attempts,
                instant(json, "startTime"),
                json.path("containerId").asText(""),
                json.path("previousStartedAt").asText(""),
                exit.isInt() ? Integer.valueOf(exit.asInt()) : null,
                instant(json, "nextAttemptAt"),
                instant(json, "completionTime"),
                json.path("reason").asText(""),
                json.path("message").asText(""),
                json.path("lastOutput").asText(""),
                json.path("containerRemoved").asBoolean(false), json.path("interruptions").asInt(0));
    }

    private static JsonNode required(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("no " + field);
        }
        return node;
    }

    private static Instant instant(JsonNode json, String field) {
        String s = json.path(field).asText("");
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + s + "' is not a time", e);
        }
    }

    private static String text(Instant t) {
        return t == null ? "" : t.toString();
    }
}
