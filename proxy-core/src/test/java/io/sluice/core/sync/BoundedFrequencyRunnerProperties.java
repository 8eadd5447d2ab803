package io.sluice.core.sync;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three guarantees, for random request times, run durations and outcomes. */
class BoundedFrequencyRunnerProperties {

    @Property(tries = 200)
    void guaranteesHold(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 5_000) Integer> gapsMs,
                        @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 800) Integer> runMs,
                        @ForAll @Size(min = 1, max = 20) List<Boolean> outcomes,
                        @ForAll @IntRange(min = 0, max = 2_000) int minMs,
                        @ForAll @IntRange(min = 1, max = 10_000) int extraMaxMs) {
        ManualTime time = new ManualTime();
        long min = minMs * 1_000_000L;
        long max = min + extraMaxMs * 1_000_000L;
        List<long[]> runs = new ArrayList<>();          // {start, end, ok}
        int[] n = {0};
        BoundedFrequencyRunner r = new BoundedFrequencyRunner("prop", () -> {
            int i = n[0]++;
            long start = time.nanoTime();
            time.elapse(Duration.ofMillis(runMs.get(i % runMs.size())));
            boolean ok = outcomes.get(i % outcomes.size());
            runs.add(new long[]{start, time.nanoTime(), ok ? 1 : 0});
            return ok;
        }, Duration.ofNanos(min), Duration.ofNanos(max), time);
        r.start();
        time.runDue();
        List<Long> requests = new ArrayList<>();
        for (int g : gapsMs) {
            time.advance(Duration.ofMillis(g));
            requests.add(time.nanoTime());
            r.run();
            time.runDue();
        }
        time.advance(Duration.ofNanos(max));
        long endOfTest = time.nanoTime();

        for (int i = 1; i < runs.size(); i++) {
            long gap = runs.get(i)[0] - runs.get(i - 1)[1];
            assertThat(gap).as("min interval between runs %d and %d", i - 1, i).isGreaterThanOrEqualTo(min);
            assertThat(gap).as("max interval between runs %d and %d", i - 1, i).isLessThanOrEqualTo(max);
        }
        // Every request is served by a run that starts at or after it: the last run starts after the last request.
        if (!requests.isEmpty()) {
            long lastRequest = requests.get(requests.size() - 1);
            assertThat(runs).isNotEmpty();
            assertThat(runs.get(runs.size() - 1)[0]).isGreaterThanOrEqualTo(lastRequest);
        }
        // No request waits longer than needed: after the test window, nothing is still pending.
        assertThat(r.pending()).isFalse();
        assertThat(endOfTest - runs.get(runs.size() - 1)[1]).isLessThanOrEqualTo(max);
    }
}
