package io.kdop.hub.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JoinQueueTest {

    /** A join whose outcome the test reads: ran, deferred (with the delay) or neither yet. */
    private static final class FakeJoin implements JoinQueue.Join {
        final Optional<Duration> timeLeft;
        final CountDownLatch release;
        final AtomicBoolean ran = new AtomicBoolean();
        final AtomicReference<Duration> deferred = new AtomicReference<>();
        volatile boolean abandoned;

        FakeJoin(Optional<Duration> timeLeft, CountDownLatch release) {
            this.timeLeft = timeLeft;
            this.release = release;
        }

        @Override
        public Optional<Duration> timeLeft() {
            return timeLeft;
        }

        @Override
        public boolean abandoned() {
            return abandoned;
        }

        @Override
        public void run() {
            ran.set(true);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void defer(Duration retryAfter, int waiting) {
            deferred.set(retryAfter);
        }
    }

    @Test
    void joinsWaitForAWorkerAndOnesThatCannotBeAnsweredInTimeAreDeferredAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // one worker, 5 s kept free before a deadline
        try (JoinQueue queue = new JoinQueue(new JoinAdmission(1, 100, Duration.ofSeconds(5), Duration.ofSeconds(30)))) {
            FakeJoin running = new FakeJoin(Optional.empty(), release);
            queue.submit(running);
            await().atMost(Duration.ofSeconds(10)).untilTrue(running.ran);

            FakeJoin patient = new FakeJoin(Optional.of(Duration.ofSeconds(30)), new CountDownLatch(0));
            queue.submit(patient);
            assertThat(queue.waiting()).isEqualTo(1);

            // 1 ahead at the first guess of 100 ms fits a 30 s deadline, not one of 150 ms (a quarter is 37 ms)
            FakeJoin hasty = new FakeJoin(Optional.of(Duration.ofMillis(150)), new CountDownLatch(0));
            queue.submit(hasty);
            assertThat(hasty.deferred.get()).as("deferred at once, with when to come back").isEqualTo(JoinAdmission.MIN_RETRY);
            assertThat(queue.waiting()).isEqualTo(1);

            FakeJoin gone = new FakeJoin(Optional.of(Duration.ofSeconds(30)), new CountDownLatch(0));
            queue.submit(gone);
            gone.abandoned = true;

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).untilTrue(patient.ran);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.waiting() == 0);
            assertThat(gone.ran).as("nobody waits for its answer").isFalse();
            assertThat(gone.deferred.get()).isNull();
            assertThat(hasty.ran).isFalse();
        }
    }

    @Test
    void theMeanJoinTimeFollowsWhatJoinsTake() throws Exception {
        try (JoinQueue queue = new JoinQueue(new JoinAdmission(1, 100, Duration.ofSeconds(5), Duration.ofSeconds(30)))) {
            Duration first = queue.meanJoin();
            for (int i = 0; i < 20; i++) {
                FakeJoin quick = new FakeJoin(Optional.empty(), new CountDownLatch(0));
                queue.submit(quick);
                await().atMost(Duration.ofSeconds(10)).untilTrue(quick.ran);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.meanJoin().compareTo(first.dividedBy(4)) < 0);
        }
    }
}
