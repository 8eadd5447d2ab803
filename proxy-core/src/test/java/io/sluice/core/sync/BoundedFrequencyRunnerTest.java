package io.sluice.core.sync;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedFrequencyRunnerTest {

    private final ManualTime time = new ManualTime();
    /** Start times (ms of monotonic time) of every run. */
    private final List<Long> starts = new ArrayList<>();
    private final List<Boolean> outcomes = new ArrayList<>();
    private boolean succeed = true;
    private Duration runTakes = Duration.ZERO;

    private BoundedFrequencyRunner runner(Duration min, Duration max) {
        return new BoundedFrequencyRunner("test", () -> {
            starts.add(time.nanoTime() / 1_000_000);
            time.elapse(runTakes);
            outcomes.add(succeed);
            return succeed;
        }, min, max, time);
    }

    @Test
    void nothingRunsBeforeStartAndAnEarlierRequestIsServedAtStart() {
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.run();
        time.advance(ofSeconds(100));
        assertThat(starts).isEmpty();

        r.start();
        time.runDue();
        assertThat(starts).containsExactly(100_000L);
    }

    @Test
    void firstRequestRunsImmediatelyThenMinIntervalIsRespectedFromTheEndOfTheRun() {
        runTakes = ofMillis(200);
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        r.run();
        time.runDue();
        assertThat(starts).containsExactly(0L);        // ran 0 → 200 ms

        time.advance(ofMillis(100));                    // t = 300 ms
        r.run();
        time.advance(ofMillis(899));                    // t = 1199 ms: not yet (end 200 + min 1000)
        assertThat(starts).containsExactly(0L);
        time.advance(ofMillis(1));
        assertThat(starts).containsExactly(0L, 1200L);
    }

    @Test
    void aBurstOfRequestsDuringTheCooldownCoalescesIntoOneRun() {
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        r.run();
        time.runDue();
        for (int i = 0; i < 50; i++) {
            time.advance(ofMillis(10));
            r.run();
        }
        time.advance(ofSeconds(5));
        assertThat(starts).containsExactly(0L, 1000L);
        assertThat(r.runs()).isEqualTo(2);
    }

    @Test
    void aRequestMadeDuringARunCausesExactlyOneMoreRun() {
        AtomicInteger calls = new AtomicInteger();
        BoundedFrequencyRunner[] holder = new BoundedFrequencyRunner[1];
        holder[0] = new BoundedFrequencyRunner("test", () -> {
            starts.add(time.nanoTime() / 1_000_000);
            if (calls.incrementAndGet() == 1) {
                holder[0].run();
                holder[0].run();
            }
            return true;
        }, ofSeconds(2), ofSeconds(60), time);
        holder[0].start();
        holder[0].run();
        time.advance(ofSeconds(10));
        assertThat(starts).containsExactly(0L, 2000L);
    }

    @Test
    void maxIntervalForcesRunsWithoutRequests() {
        runner(ofSeconds(1), ofSeconds(30)).start();
        time.advance(ofSeconds(95));
        assertThat(starts).containsExactly(30_000L, 60_000L, 90_000L);
    }

    @Test
    void maxIntervalCountsFromTheEndOfTheLastRun() {
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        time.advance(ofSeconds(10));
        r.run();
        time.runDue();
        time.advance(ofSeconds(45));
        assertThat(starts).containsExactly(10_000L, 40_000L);
    }

    @Test
    void failuresAreRetriedWithExponentialBackoffCappedAtMaxInterval() {
        succeed = false;
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        r.run();
        time.advance(ofSeconds(100));
        // backoff 1, 2, 4, 8, 16, then capped at 30
        assertThat(starts).containsExactly(0L, 1_000L, 3_000L, 7_000L, 15_000L, 31_000L, 61_000L, 91_000L);
        assertThat(r.failures()).isEqualTo(8);
    }

    @Test
    void aSuccessResetsTheBackoff() {
        succeed = false;
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        r.run();
        time.advance(ofSeconds(4));                     // runs at 0, 1, 3
        succeed = true;
        time.advance(ofSeconds(4));                     // run at 7 succeeds
        succeed = false;
        r.run();                                        // t = 8: runs now (min interval passed), fails
        time.advance(ofMillis(1500));                   // retry after 1 s (reset), not 16 s
        assertThat(starts).containsExactly(0L, 1_000L, 3_000L, 7_000L, 8_000L, 9_000L);
    }

    @Test
    void withZeroMinIntervalRetriesStartAtOneSecondAndRequestsRunBackToBack() {
        succeed = false;
        BoundedFrequencyRunner r = runner(Duration.ZERO, ofSeconds(30));
        r.start();
        r.run();
        time.advance(ofMillis(3500));
        assertThat(starts).containsExactly(0L, 1_000L, 3_000L);

        succeed = true;
        time.advance(ofSeconds(4));                     // retry at 7 s succeeds
        r.run();
        time.runDue();
        r.run();
        time.runDue();
        assertThat(starts).containsExactly(0L, 1_000L, 3_000L, 7_000L, 7_500L, 7_500L);
    }

    @Test
    void anEarlierRequestPreemptsAPendingRetry() {
        succeed = false;
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        r.run();
        time.advance(ofSeconds(4));                     // 0, 1, 3 failed; next retry at 7
        time.advance(ofMillis(500));                    // t = 4.5
        r.run();
        time.runDue();
        assertThat(starts).containsExactly(0L, 1_000L, 3_000L, 4_500L);
    }

    @Test
    void anExceptionCountsAsAFailure() {
        AtomicInteger calls = new AtomicInteger();
        BoundedFrequencyRunner r = new BoundedFrequencyRunner("test", () -> {
            starts.add(time.nanoTime() / 1_000_000);
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return true;
        }, ofSeconds(2), ofSeconds(60), time);
        r.start();
        r.run();
        time.advance(ofSeconds(10));
        assertThat(starts).containsExactly(0L, 2_000L);
        assertThat(r.failures()).isEqualTo(1);
    }

    @Test
    void stopPreventsFurtherRuns() {
        BoundedFrequencyRunner r = runner(ofSeconds(1), ofSeconds(30));
        r.start();
        r.run();
        time.runDue();
        r.stop();
        r.stop();
        r.run();
        time.advance(ofSeconds(100));
        assertThat(starts).containsExactly(0L);
    }

    @Test
    void maxBelowMinIsRejected() {
        assertThatThrownBy(() -> runner(ofSeconds(10), ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxInterval");
    }

    @Test
    void realThreadRunsTheFunctionAndStopWaitsForTheRunInProgress() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        BoundedFrequencyRunner r = new BoundedFrequencyRunner("real", () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
            return true;
        }, Duration.ZERO, ofSeconds(3600), SyncScheduler.singleThread("sluice-sync-test"));
        r.start();
        r.run();
        started.await();
        AtomicBoolean finishedWhenStopReturned = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            r.stop();
            finishedWhenStopReturned.set(finished.get());
        });
        stopper.start();
        release.countDown();
        stopper.join();
        assertThat(finishedWhenStopReturned).isTrue();
    }
}
