package io.sluice.core.sync;

import io.sluice.core.lifecycle.Failures;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Monotonic time plus one execution thread: what {@link BoundedFrequencyRunner} needs, injectable so tests drive it
 * deterministically with a manual scheduler ({@code ManualTime}, test sources) (no sleeps).
 *
 * <p>Contract: tasks run one at a time, in due order (ties in submission order), never concurrently with each other.
 */
public interface SyncScheduler {

    /** Monotonic nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Runs {@code task} on the scheduler's thread after {@code delay} (zero or negative: as soon as possible). */
    Cancellable schedule(Runnable task, Duration delay);

    /**
     * Stops: tasks not yet started never run, later {@link #schedule} calls are ignored, and the call waits for a task
     * that is running right now (unless called from that task). Idempotent.
     */
    void shutdown();

    /** A scheduled task that may be withdrawn; cancelling a task that already ran or started does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /**
     * The real scheduler: one daemon thread named {@code threadName} (with {@link Failures#HANDLER}),
     * {@link System#nanoTime()}.
     */
    static SyncScheduler singleThread(String threadName) {
        return new ThreadScheduler(threadName);
    }

    /** {@link SyncScheduler#singleThread}. */
    final class ThreadScheduler implements SyncScheduler {
        private final ScheduledThreadPoolExecutor executor;
        private volatile Thread worker;

        ThreadScheduler(String threadName) {
            java.util.concurrent.ThreadFactory threads = Failures.daemonThreads(threadName);
            executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = threads.newThread(r);
                worker = t;
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            try {
                ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
                return () -> { };
            }
        }

        @Override
        public void shutdown() {
            executor.shutdown();
            if (Thread.currentThread() == worker) {
                return;
            }
            try {
                while (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    // A sync is still running (e.g. a slow iptables-restore); keep waiting, as documented.
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
