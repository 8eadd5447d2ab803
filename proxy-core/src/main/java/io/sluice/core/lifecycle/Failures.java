package io.sluice.core.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntConsumer;

/**
 * The one policy for failures that escape Sluice's own code paths, so the daemon is never silently dead:
 * <ul>
 *   <li>an {@link Exception} escaping a loop or callback (a sync, the canary monitor, a source callback, an HTTP
 *   handler) is logged with its cause and counted in {@code sluice_uncaught_exceptions_total{thread}}; the loop goes
 *   on (the sync runner retries with backoff);</li>
 *   <li>an {@link Error} ({@link OutOfMemoryError}, {@link StackOverflowError}, a linkage error...) on any thread ends
 *   the process with {@link #EXIT_FATAL}, after one log line, through {@link Runtime#halt}: the heap or the thread's
 *   invariants can no longer be trusted, shutdown hooks may block on the very thread that died, and a restarted pod
 *   is better than a live process that no longer programs the kernel. (The JVM flag
 *   {@code -XX:+ExitOnOutOfMemoryError} covers allocation failures anywhere, exit status 3; this covers every other
 *   Error, and OutOfMemoryError when the flag is missing.)</li>
 * </ul>
 * Executors swallow whatever their tasks throw into a {@code Future}, so the loops call {@link #guard} or catch and
 * call {@link #fatal}/{@link #exception} themselves; threads Sluice creates get {@link #HANDLER} through
 * {@link #daemonThreads}; {@link #installDefaultHandler()} covers the threads of libraries (fabric8, the JDK's HTTP
 * server).
 *
 * <p>Thread-safe. State is process-wide, like the JVM's default uncaught-exception handler it installs.
 */
public final class Failures {

    /** Exit status after an Error (sysexits' EX_SOFTWARE); the JVM's own OutOfMemoryError exit is 3. */
    public static final int EXIT_FATAL = 70;

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    /** Counts an exception that escaped on a thread (role name such as "sync", "canary", "files", "healthz"). */
    @FunctionalInterface
    public interface ExceptionCounter {
        void uncaughtException(String thread);
    }

    private static volatile ExceptionCounter counter = thread -> { };
    private static volatile IntConsumer halt = status -> Runtime.getRuntime().halt(status);

    /** Handles what escapes a thread: {@link #fatal} for Errors, {@link #exception} for the rest. */
    public static final Thread.UncaughtExceptionHandler HANDLER = (t, e) -> {
        if (e instanceof Error) {
            fatal(t.getName(), e);
        } else {
            exception(t.getName(), e);
        }
    };

    private Failures() {
    }

    /** Makes {@link #HANDLER} the JVM's default uncaught-exception handler. Idempotent. */
    public static void installDefaultHandler() {
        Thread.setDefaultUncaughtExceptionHandler(HANDLER);
    }

    /** Where {@link #exception} counts (the daemon passes its metrics). */
    public static void countWith(ExceptionCounter c) {
        counter = Objects.requireNonNull(c, "counter");
    }

    /**
     * Replaces {@link Runtime#halt} (tests exercising the fatal path in-process); returns the previous one.
     */
    public static IntConsumer replaceHalt(IntConsumer h) {
        IntConsumer previous = halt;
        halt = Objects.requireNonNull(h, "halt");
        return previous;
    }

    /** Logs {@code e} with its stack trace and counts it for {@code thread}; the caller carries on. */
    public static void exception(String thread, Throwable e) {
        try {
            LOG.error("unexpected exception on {} (counted in sluice_uncaught_exceptions_total; carrying on)",
                    thread, e);
            // Pool threads of libraries carry sequence numbers ("pool-6-thread-1"): keep the label's values bounded.
            counter.uncaughtException(thread.replaceAll("-\\d+", "-N"));
        } catch (RuntimeException | Error secondary) {
            // Logging or counting failed: never let it escape a loop that must keep running.
            System.err.println("sluice: unexpected exception on " + thread + ": " + e);
        }
    }

    /**
     * Logs {@code error} and halts the JVM with {@link #EXIT_FATAL}. Never returns normally when the real halt is in
     * place. Logging is best effort: a failed log line (e.g. no memory left) does not prevent the halt.
     */
    public static void fatal(String thread, Throwable error) {
        try {
            System.err.println("sluice: fatal " + error + " on thread " + thread + "; exiting with status "
                    + EXIT_FATAL);
            LOG.error("fatal error on {}: exiting with status {} so the pod restarts", thread, EXIT_FATAL, error);
        } catch (Throwable ignored) {
            // Out of memory even for the log line: the status alone tells the operator.
        } finally {
            halt.accept(EXIT_FATAL);
        }
    }

    /**
     * {@code task} guarded for an executor: an Exception is {@link #exception logged and counted} (a periodic task
     * keeps its schedule), an Error is {@link #fatal}.
     */
    public static Runnable guard(String thread, Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                exception(thread, e);
            } catch (Error e) {
                fatal(thread, e);
            }
        };
    }

    /** Daemon threads named {@code name} with {@link #HANDLER}. */
    public static ThreadFactory daemonThreads(String name) {
        Objects.requireNonNull(name, "name");
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(HANDLER);
            return t;
        };
    }
}
