package io.kdop.hub.direct;

import io.kdop.engine.store.JobRecords;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;

/** Opens a direct host's job records for its engine, reading what is stored, and drops a deleted host's. */
public interface JobRecordsSource {

    /** @throws IOException when the records cannot be read: the host's engine does not start without them */
    JobRecords open(HostIdentity host) throws IOException;

    /** Deletes every record of the host (by uid): it is gone, and its records hold secret values. */
    void forget(String hostUid);
}
