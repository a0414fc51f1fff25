package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DirectEnginesTest {

    private static final HostIdentity HOST = HostIdentity.newBuilder().setNamespace("edge").setName("remote")
            .setUid("host-uid-1").build();

    @Test
    void noEngineStartsWhileTheHostsJobRecordsCannotBeRead() {
        DirectEndpoint endpoint = new DirectEndpoint(DirectEndpoint.Transport.UNIX, "unix:///nonexistent/docker.sock",
                null, null);
        try (DirectEngines engines = new DirectEngines(key -> Optional.empty(), (key, report) -> { },
                host -> {
                    throw new IOException("cannot list the job records of DockerHost edge/remote");
                }, Clock.systemUTC())) {

            engines.connected(HOST, endpoint, null, "config-1");

            // a job begun before a hub restart would otherwise be begun again
            assertThat(engines.runs("edge/remote")).isFalse();
            assertThat(engines.appliedRevision("edge/remote")).isZero();
        }
    }
}
