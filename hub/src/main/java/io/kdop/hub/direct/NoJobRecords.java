package io.kdop.hub.direct;

import io.kdop.engine.job.JobRecord;
import io.kdop.engine.store.JobRecords;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The job records of a direct host: none, because the hub places no DockerJob on a direct host
 * yet (its records would have to live in Kubernetes to survive a hub restart). Saving one fails,
 * so a job that got here by mistake is never started without a record.
 */
final class NoJobRecords implements JobRecords {

    @Override
    public Map<String, JobRecord> all() {
        return Map.of();
    }

    @Override
    public Optional<JobRecord> get(String uid) {
        return Optional.empty();
    }

    @Override
    public boolean unreadable(String uid) {
        return false;
    }

    @Override
    public Set<String> unreadable() {
        return Set.of();
    }

    @Override
    public void save(JobRecord record) throws IOException {
        throw new IOException("DockerJobs do not run on direct hosts yet: no job record can be kept");
    }

    @Override
    public void delete(String uid) {
        // nothing was ever kept
    }
}
