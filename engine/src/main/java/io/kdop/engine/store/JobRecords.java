package io.kdop.engine.store;

import io.kdop.engine.job.JobRecord;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The durable records of a host's jobs, by job uid: what makes a job run exactly once across
 * restarts of whatever drives it. The agent keeps them on its disk, the hub in Kubernetes. A
 * record is visible here only once it is durable.
 */
public interface JobRecords {

    /** Every readable record, by job uid. */
    Map<String, JobRecord> all();

    Optional<JobRecord> get(String uid);

    /** True when the job had a record that could not be read, and no valid one was written since. */
    boolean unreadable(String uid);

    /** The uids of every job whose record could not be read. */
    Set<String> unreadable();

    /** Makes {@code record} durable; when this throws, the record is as before. */
    void save(JobRecord record) throws IOException;

    /** Forgets the job's record. */
    void delete(String uid) throws IOException;
}
