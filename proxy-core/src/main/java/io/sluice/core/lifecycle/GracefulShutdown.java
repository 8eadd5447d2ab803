package io.sluice.core.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM handling of the daemon: the JVM's shutdown hook tells the main thread to stop and then waits, at most
 * {@code timeout}, until the main thread reports that everything is closed ({@link #stopped()}). The main thread
 * closes the sync loop, which waits for a sync in progress, so an {@code iptables-restore} or a sequence of netlink
 * requests runs to its end instead of dying with the JVM. Rules stay in place either way.
 *
 * <p>Without the wait the JVM halts as soon as its hooks return, in the middle of whatever the sync thread does.
 * The wait is bounded because kubelet sends SIGKILL after the pod's {@code terminationGracePeriodSeconds}: past the
 * timeout the hook returns and the JVM exits (status 143). A restore still being fed is then discarded as a whole:
 * {@code iptables-restore} commits nothing before its {@code COMMIT} line.
 *
 * <p>Threading: {@link #awaitStopRequest()} on the main thread; {@link #stopped()} from the thread that closed
 * everything (idempotent).
 */
public final class GracefulShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final Duration timeout;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private GracefulShutdown(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Installs the shutdown hook (thread "sluice-shutdown"). */
    public static GracefulShutdown install(Duration timeout) {
        GracefulShutdown s = new GracefulShutdown(timeout);
        Runtime.getRuntime().addShutdownHook(new Thread(s::onShutdown, "sluice-shutdown"));
        return s;
    }

    /** Blocks until the JVM starts shutting down (SIGTERM, SIGINT). */
    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /** True once shutdown has begun. */
    public boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Everything is closed: the hook may return and the JVM exit. */
    public void stopped() {
        stopped.countDown();
    }

    /** The hook: wake the main thread, then wait (bounded) for it to finish closing. */
    void onShutdown() {
        LOG.info("shutting down: waiting up to {} ms for a sync in progress; rules stay in place", timeout.toMillis());
        stopRequested.countDown();
        try {
            if (stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.info("stopped");
            } else {
                LOG.warn("the sync in progress did not finish within {} ms; exiting anyway (a restore not yet "
                        + "committed is discarded whole by the kernel; the next start syncs fully)", timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
