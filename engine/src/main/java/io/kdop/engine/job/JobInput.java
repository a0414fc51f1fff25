package io.kdop.engine.job;

import io.kdop.engine.backoff.FailureTracker;
import io.kdop.engine.plan.NameHolder;
import io.kdop.engine.plan.PolicyGate;
import io.kdop.proto.v1.JobSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link JobRules} looks at to decide about one job.
 *
 * @param desired the job as the desired state lists it; null when it is not listed
 * @param retained the hub lists the uid as retained: the job goes on from the agent's record
 * @param record the agent's record; null when it has none
 * @param recordUnreadable a record existed but could not be read (set aside as corrupt)
 * @param containers this job's containers as Docker reports them now
 * @param failure the job's last failed Docker operation (pull, create, removal), if any
 * @param presentImages image references the host has (of the job images asked about)
 * @param nameHolders containers that are not this host's holding wanted names, by name
 * @param policy the host's policy, checked before a job begins and before each attempt's container is created
 */
public record JobInput(String uid, JobSpec desired, boolean retained, JobRecord record, boolean recordUnreadable,
        List<JobContainer> containers, Optional<FailureTracker.Failure> failure, Set<String> presentImages,
        Map<String, NameHolder> nameHolders, Instant now, PolicyGate policy) {

    public JobInput {
        containers = List.copyOf(containers);
        presentImages = Set.copyOf(presentImages);
        nameHolders = Map.copyOf(nameHolders);
    }
}
