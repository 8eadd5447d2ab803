package io.sluice.core.sync;

import io.sluice.core.lifecycle.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a sync function with kube-proxy's {@code BoundedFrequencyRunner} guarantees
 * ({@code pkg/proxy/runner/bounded_frequency_runner.go}):
 * <ol>
 *   <li><b>Minimum interval.</b> At least {@code minInterval} passes between the <em>end</em> of one run and the
 *   <em>start</em> of the next. {@link #run()} calls made meanwhile are coalesced into one deferred run (kube-proxy's
 *   one-slot channel). The first run after {@link #start()} is not delayed.</li>
 *   <li><b>Maximum interval.</b> The function runs at least once every {@code maxInterval}, measured from the end of
 *   the previous run (or from {@link #start()}), even when nobody calls {@link #run()}.</li>
 *   <li><b>Retry.</b> After a failed run (false or an exception) the function runs again no later than a backoff
 *   delay after that run ended, unless something else triggers it earlier. The backoff starts at
 *   {@code minInterval} (1 s when that is 0), doubles after each consecutive failure and is capped at
 *   {@code maxInterval}; a successful run resets it. (kube-proxy retries after a fixed interval; Sluice backs off so
 *   a persistently failing kernel is not hammered.)</li>
 * </ol>
 *
 * <p>Threading: the function only ever runs on the {@link SyncScheduler}'s single thread, never concurrently with
 * itself. {@link #run()} may be called from any thread at any time and never blocks; calls before {@link #start()}
 * are remembered and served once started (nothing runs before {@code start()}). {@link #stop()} waits for a run in
 * progress and prevents further runs; it is idempotent. Time comes only from the scheduler, so tests drive the runner
 * with a manual scheduler ({@code ManualTime} in the test sources).
 */
public final class BoundedFrequencyRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedFrequencyRunner.class);
    private static final Duration MIN_RETRY = Duration.ofSeconds(1);

    /**
     * The function run; returns true on success. A thrown {@link RuntimeException} counts as a failure (logged,
     * retried with backoff); a thrown {@link Error} ends the process ({@link Failures#fatal}).
     */
    @FunctionalInterface
    public interface SyncFunction {
        boolean sync();
    }

    private final String name;
    private final SyncFunction fn;
    private final long minNanos;
    private final long maxNanos;
    private final long initialBackoffNanos;
    private final SyncScheduler scheduler;

    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean started;
    private volatile boolean stopped;

    // State below is touched only on the scheduler thread.
    private boolean hasRun;
    private long lastEnd;
    private long maxDeadline = Long.MAX_VALUE;
    private long retryDeadline = Long.MAX_VALUE;
    private long backoffNanos;
    private SyncScheduler.Cancellable wake;
    private long wakeAt = Long.MAX_VALUE;
    private long runs;
    private long failures;

    /**
     * @throws IllegalArgumentException if {@code maxInterval < minInterval}, or either is negative, or maxInterval is 0
     */
    public BoundedFrequencyRunner(String name, SyncFunction fn, Duration minInterval, Duration maxInterval,
                                  SyncScheduler scheduler) {
        this.name = Objects.requireNonNull(name, "name");
        this.fn = Objects.requireNonNull(fn, "fn");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (minInterval.isNegative() || maxInterval.isNegative() || maxInterval.isZero()) {
            throw new IllegalArgumentException(name + ": intervals must be positive, got min " + minInterval
                    + " max " + maxInterval);
        }
        if (maxInterval.compareTo(minInterval) < 0) {
            throw new IllegalArgumentException(name + ": maxInterval (" + maxInterval + ") must be >= minInterval ("
                    + minInterval + ")");
        }
        this.minNanos = minInterval.toNanos();
        this.maxNanos = maxInterval.toNanos();
        this.initialBackoffNanos = Math.min(maxNanos, minNanos > 0 ? minNanos : MIN_RETRY.toNanos());
    }

    /** Starts the loop: serves a pending {@link #run()} at once and arms the max-interval timer. Idempotent. */
    public void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        scheduler.schedule(() -> {
            maxDeadline = saturatedAdd(scheduler.nanoTime(), maxNanos);
            evaluate();
        }, Duration.ZERO);
        LOG.debug("{}: started (min {} ms, max {} ms)", name, minNanos / 1_000_000, maxNanos / 1_000_000);
    }

    /**
     * Requests a run as soon as the minimum interval allows. Never blocks; requests made while one is already pending
     * are coalesced into that one. A request made while the function runs causes one more run afterwards.
     */
    public void run() {
        if (stopped) {
            return;
        }
        if (requested.compareAndSet(false, true)) {
            scheduler.schedule(this::evaluate, Duration.ZERO);
        }
    }

    /** Stops the loop: no run starts after this returns, and a run in progress has finished. Idempotent. */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        scheduler.shutdown();
        LOG.debug("{}: stopped", name);
    }

    /** Runs so far (scheduler thread view; for tests and logs). */
    public synchronized long runs() {
        return runs;
    }

    /** Failed runs so far. */
    public synchronized long failures() {
        return failures;
    }

    /** True while a {@link #run()} request waits to be served. */
    public boolean pending() {
        return requested.get();
    }

    private void evaluate() {
        if (!started || stopped) {
            return;
        }
        while (!stopped) {
            long now = scheduler.nanoTime();
            long forcedAt = Math.min(maxDeadline, retryDeadline);
            boolean due = requested.get() || now >= forcedAt;
            long earliest = hasRun ? saturatedAdd(lastEnd, minNanos) : Long.MIN_VALUE;
            if (due && now >= earliest) {
                execute();
                continue;
            }
            arm(due ? earliest : forcedAt, now);
            return;
        }
    }

    private void execute() {
        requested.set(false);
        cancelWake();
        boolean ok;
        try {
            ok = fn.sync();
        } catch (RuntimeException e) {
            LOG.error("{}: sync function threw", name, e);
            ok = false;
        } catch (Error e) {
            // The scheduler's executor would swallow it into a Future and the loop would never run again while
            // /healthz might still say 200 (see Failures): end the process instead.
            Failures.fatal(Thread.currentThread().getName(), e);
            throw e;
        }
        long end = scheduler.nanoTime();
        synchronized (this) {
            runs++;
            if (!ok) {
                failures++;
            }
        }
        hasRun = true;
        lastEnd = end;
        maxDeadline = saturatedAdd(end, maxNanos);
        if (ok) {
            backoffNanos = 0;
            retryDeadline = Long.MAX_VALUE;
        } else {
            backoffNanos = backoffNanos == 0 ? initialBackoffNanos : Math.min(maxNanos, backoffNanos * 2);
            retryDeadline = saturatedAdd(end, backoffNanos);
            LOG.debug("{}: run failed, retrying within {} ms", name, backoffNanos / 1_000_000);
        }
    }

    private void arm(long at, long now) {
        if (at == Long.MAX_VALUE) {
            cancelWake();
            return;
        }
        if (wake != null && wakeAt == at) {
            return;
        }
        cancelWake();
        wakeAt = at;
        wake = scheduler.schedule(this::onWake, Duration.ofNanos(Math.max(0, at - now)));
    }

    private void onWake() {
        wake = null;
        wakeAt = Long.MAX_VALUE;
        evaluate();
    }

    private void cancelWake() {
        if (wake != null) {
            wake.cancel();
            wake = null;
            wakeAt = Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
