package io.kdop.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kdop.proto.v1.HostFacts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HostMonitorTest {

    private static HostSnapshot snapshot(int n) {
        return new HostSnapshot(HostFacts.newBuilder().setDockerVersion("v" + n).build(), List.of());
    }

    @Test
    void readersNeverWaitLongerThanTheyAskForAHungDocker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HostInspector hung = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return snapshot(1);
        };
        try (HostMonitor monitor = new HostMonitor(hung, Duration.ofHours(1)).start()) {
            long start = System.nanoTime();
            assertThat(monitor.awaitFirst(Duration.ofMillis(200))).isEqualTo(HostSnapshot.UNKNOWN);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(monitor.latest().facts().getDockerVersion()).isEmpty();

            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> monitor.latest().equals(snapshot(1)));
            assertThat(monitor.awaitFirst(Duration.ofHours(1))).as("no wait once Docker answered").isEqualTo(snapshot(1));
        } finally {
            release.countDown();
        }
    }

    @Test
    void refreshesPeriodicallyAndOnDemand() throws Exception {
        AtomicInteger inspections = new AtomicInteger();
        HostInspector counting = () -> snapshot(inspections.incrementAndGet());
        try (HostMonitor periodic = new HostMonitor(counting, Duration.ofMillis(50)).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> inspections.get() >= 3);
        }
        inspections.set(0);
        try (HostMonitor onDemand = new HostMonitor(counting, Duration.ofHours(1)).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> inspections.get() == 1);
            onDemand.refreshSoon();
            await().atMost(Duration.ofSeconds(5)).until(() -> onDemand.latest().equals(snapshot(2)));
        }
    }

    @Test
    void keepsTheLastSnapshotWhenAnInspectorThrows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HostInspector flaky = () -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("boom");
            }
            return snapshot(1);
        };
        try (HostMonitor monitor = new HostMonitor(flaky, Duration.ofMillis(20)).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 3);
            assertThat(monitor.latest()).isEqualTo(snapshot(1));
        }
    }
}
