package io.kdop.agent.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kdop.engine.job.JobRecord;
import io.kdop.engine.plan.SpecCheck;
import io.kdop.engine.store.JobRecords;
import io.kdop.proto.v1.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable records of its jobs: one JSON file per job, {@code <state-dir>/jobs/<uid>.json},
 * 0600 in a 0700 directory (the spec in it holds secret values), each replaced atomically. Read
 * once at start and kept in memory; a record is in memory only once it is on disk.
 *
 * <p>A file that cannot be read is set aside as {@code <uid>.json.corrupt-<millis>} (kept for a
 * post-mortem) and the job counts as {@linkplain #unreadable unreadable} for as long as such a
 * file exists without a valid record beside it, also across restarts: the job rules then adopt
 * the job's container or fail it, but never start it blindly.
 */
public final class JobRecordStore implements JobRecords {

    /** The subdirectory of the state directory. */
    public static final String DIRECTORY = "jobs";
    /** The version of the file format; a file of another version is unreadable to this agent. */
    static final int FORMAT = 1;

    private static final Logger LOG = LoggerFactory.getLogger(JobRecordStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";
    private static final String CORRUPT = SUFFIX + ".corrupt-";
    /** As SpecCheck admits workload UIDs: a file name, never a path. */
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path dir;
    private final Clock clock;
    private final Map<String, JobRecord> records = new HashMap<>();
    private final Set<String> unreadable = new HashSet<>();

    private JobRecordStore(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Opens the store under {@code stateDir}, reading every record an earlier run wrote. */
    public static JobRecordStore open(Path stateDir, Clock clock) throws IOException {
        JobRecordStore store = new JobRecordStore(stateDir.resolve(DIRECTORY), clock);
        store.load();
        return store;
    }

    /** Every readable record, by job uid. */
    @Override
    public synchronized Map<String, JobRecord> all() {
        return Map.copyOf(records);
    }

    @Override
    public synchronized Optional<JobRecord> get(String uid) {
        return Optional.ofNullable(records.get(uid));
    }

    /** True when the job had a record that could not be read, and no valid one was written since. */
    @Override
    public synchronized boolean unreadable(String uid) {
        return unreadable.contains(uid);
    }

    /** The uids of the unreadable records. */
    @Override
    public synchronized Set<String> unreadable() {
        return Set.copyOf(unreadable);
    }

    /** Writes the record (atomically, 0600); only then does {@link #get} return it. */
    @Override
    public synchronized void save(JobRecord record) throws IOException {
        String uid = checked(record.uid());
        if (record.equals(records.get(uid))) {
            return;
        }
        AtomicFiles.privateDirectory(dir);
        AtomicFiles.write(dir.resolve(uid + SUFFIX), encode(record));
        records.put(uid, record);
        unreadable.remove(uid);
    }

    /** Deletes the job's record, and any unreadable copy set aside. */
    @Override
    public synchronized void delete(String uid) throws IOException {
        checked(uid);
        Files.deleteIfExists(dir.resolve(uid + SUFFIX));
        for (Path aside : corruptFiles(uid)) {
            Files.deleteIfExists(aside);
        }
        AtomicFiles.syncDirectory(dir);
        records.remove(uid);
        unreadable.remove(uid);
    }

    private void load() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        AtomicFiles.privateDirectory(dir);
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.startsWith(".")) {
                continue; // a temp file of a write cut short (the record it would replace is intact)
            }
            if (name.contains(CORRUPT)) {
                String uid = name.substring(0, name.indexOf(CORRUPT));
                if (!Files.exists(dir.resolve(uid + SUFFIX))) {
                    unreadable.add(uid);
                }
            } else if (name.endsWith(SUFFIX)) {
                read(file, name.substring(0, name.length() - SUFFIX.length()));
            }
        }
    }

    private void read(Path file, String uid) throws IOException {
        try {
            JobRecord record = decode(Files.readAllBytes(file));
            if (!record.uid().equals(uid)) {
                throw new IllegalArgumentException("it is the record of job " + record.uid());
            }
            records.put(uid, record);
            unreadable.remove(uid);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(uid + CORRUPT + clock.millis());
            Files.move(file, aside);
            unreadable.add(uid);
            LOG.error("the record of job {} cannot be read ({}); set it aside as {}. The job is not started again:"
                    + " its container is adopted if there is one, else it is reported as failed", uid, e.getMessage(),
                    aside.getFileName());
        }
    }

    private List<Path> corruptFiles(String uid) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(uid + CORRUPT)).toList();
        }
    }

    private static String checked(String uid) throws IOException {
        if (!UID.matcher(uid).matches() || uid.contains("..")) {
            throw new IOException("'" + uid + "' is not a valid job uid");
        }
        return uid;
    }

    static byte[] encode(JobRecord r) {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("uid", r.uid());
        // for people reading the file; the spec below is what counts
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

    /** @throws IllegalArgumentException or IOException when the bytes are not a record this agent wrote */
    static JobRecord decode(byte[] bytes) throws IOException {
        JsonNode json = JSON.readTree(bytes);
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int format = json.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + json.path("format") + ", this agent reads format " + FORMAT);
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
