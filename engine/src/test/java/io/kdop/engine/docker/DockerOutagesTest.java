package io.kdop.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.testing.SettableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DockerOutagesTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private final SettableClock now = new SettableClock(T0);
    private final DockerOutages outages = new DockerOutages(now);

    @Test
    void aDaemonThatWentAwayCoversTheContainersItStoppedOnItsWayDown() {
        outages.streamOpened();
        now.set(T0.plusSeconds(30));
        outages.streamEnded(false);
        now.set(T0.plusSeconds(31));
        outages.notServed();
        now.set(T0.plusSeconds(45));
        outages.streamOpened();

        assertThat(outages.covers(T0.plusSeconds(15))).as("stopped during the daemon's shutdown").isTrue();
        assertThat(outages.covers(T0.plusSeconds(40))).isTrue();
        assertThat(outages.covers(T0.plusSeconds(5))).as("long before").isFalse();
        assertThat(outages.covers(T0.plusSeconds(60))).as("after it was back").isFalse();
    }

    @Test
    void anOutageTheStreamHasNotSeenEndYetCoversWhatDiedSinceShortlyBefore() {
        outages.streamOpened();
        now.set(T0.plusSeconds(30));
        outages.streamEnded(false);
        now.set(T0.plusSeconds(40)); // Docker is back, the stream not reopened yet

        assertThat(outages.covers(T0.plusSeconds(25))).isTrue();
        assertThat(outages.covers(T0.plusSeconds(5))).isFalse();
    }

    @Test
    void aStreamThatEndsWhileTheDaemonServesIsNoOutage() {
        outages.streamOpened();
        outages.streamEnded(true);
        now.set(T0.plusSeconds(1));
        outages.streamOpened();

        assertThat(outages.covers(T0)).isFalse();
    }
}
