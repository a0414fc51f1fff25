package io.kdop.agent.store;

import io.kdop.engine.job.JobRecord;
import io.kdop.engine.job.JobRecordJson;
import io.kdop.engine.plan.SpecCheck;
import io.kdop.engine.store.JobRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * 0600 in a 0700 directory (the spec in it holds secret values), each replaced atomically, in
 * the form {@link JobRecordJson} writes. Read once at start and kept in memory; a record is in
 * memory only once it is on disk.
 *
 * <p>A file that cannot be read is set aside as {@code <uid>.json.corrupt-<millis>} (kept for a
 * post-mortem) and the job counts as {@linkplain #unreadable unreadable} for as long as such a
 * file exists without a valid record beside it, also across restarts: the job rules then adopt
 * the job's container or fail it, but never start it blindly.
 */
public final class JobRecordStore implements JobRecords {

    /** The subdirectory of the state directory. */
    public static final String DIRECTORY = "jobs";

    private static final Logger LOG = LoggerFactory.getLogger(JobRecordStore.class);
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
        AtomicFiles.write(dir.resolve(uid + SUFFIX), JobRecordJson.encode(record));
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
            JobRecord record = JobRecordJson.decode(Files.readAllBytes(file));
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
}
