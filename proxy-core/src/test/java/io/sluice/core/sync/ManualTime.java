package io.sluice.core.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * Deterministic time for tests and replays: a {@link SyncScheduler} whose tasks run only inside {@link #advance}, on
 * the caller's thread, and a {@link Clock} showing the same time. Nothing happens between calls.
 *
 * <p>Not thread-safe for concurrent {@link #advance} calls; {@link #schedule} may be called from any thread.
 */
public final class ManualTime implements SyncScheduler {

    private final Instant epoch;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private boolean shutdown;
    private boolean advancing;

    /** Starts at {@code epoch} (wall clock) and monotonic time 0. */
    public ManualTime(Instant epoch) {
        this.epoch = epoch;
    }

    public ManualTime() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    private final class Entry implements Comparable<Entry>, Cancellable {
        final long due;
        final long order;
        final Runnable task;
        boolean cancelled;

        Entry(long due, long order, Runnable task) {
            this.due = due;
            this.order = order;
            this.task = task;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualTime.this) {
                cancelled = true;
                queue.remove(this);
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        if (shutdown) {
            return () -> { };
        }
        Entry e = new Entry(now + Math.max(0, delay.toNanos()), seq++, task);
        queue.add(e);
        return e;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        queue.clear();
    }

    /**
     * Moves time forward by {@code d}, running every task that falls due, in order, with the clock set to each task's
     * due time. Tasks scheduled by those tasks run too if they fall due within the window.
     */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            if (advancing) {
                throw new IllegalStateException("advance() called from a task; use elapse()");
            }
            advancing = true;
            target = now + d.toNanos();
        }
        try {
            while (true) {
                Entry e;
                synchronized (this) {
                    e = queue.peek();
                    if (e == null || e.due > target) {
                        now = Math.max(now, target);
                        return;
                    }
                    queue.poll();
                    now = Math.max(now, e.due);
                }
                e.task.run();
            }
        } finally {
            synchronized (this) {
                advancing = false;
            }
        }
    }

    /** Runs the tasks that are due now (time does not move). */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves time forward without running anything: a task "takes" {@code d} (e.g. a slow sync). */
    public synchronized void elapse(Duration d) {
        now += d.toNanos();
    }

    /** Number of tasks waiting (cancelled ones excluded). */
    public synchronized int pendingTasks() {
        return queue.size();
    }

    /** Due time of the earliest waiting task, relative to now, or null when none is waiting. */
    public synchronized Duration nextDue() {
        Entry e = queue.peek();
        return e == null ? null : Duration.ofNanos(e.due - now);
    }

    /** A wall clock that shows epoch + monotonic time. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return epoch.plusNanos(nanoTime());
            }
        };
    }
}
