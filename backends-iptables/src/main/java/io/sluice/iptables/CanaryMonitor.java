package io.sluice.iptables;

import io.sluice.core.lifecycle.Failures;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's {@code iptables.Monitor}: an empty {@value #CANARY} chain in mangle, nat and filter. When someone
 * flushes the tables (a firewall reload, another tool), the canary vanishes with them; the monitor then asks for a
 * full sync so that every rule is written again, and re-creates the canaries.
 *
 * <p>{@link #check()} polls {@code -S KUBE-PROXY-CANARY -t mangle}; a missing chain is a loss, an exit status of 4
 * (lock or resource problem) is not. After a loss it waits (100 ms steps, at most 5 s) for nat and filter to lose
 * theirs too, as kube-proxy does, so the full sync runs after the flush rather than in its middle.
 *
 * <p>Threading: {@link #start} runs {@link #check()} every period on one daemon thread; {@link #close()} stops it.
 */
final class CanaryMonitor implements AutoCloseable {
    static final String CANARY = "KUBE-PROXY-CANARY";
    static final List<String> TABLES = List.of(Iptables.MANGLE, Iptables.NAT, Iptables.FILTER);
    private static final Logger LOG = LoggerFactory.getLogger(CanaryMonitor.class);

    private final Iptables iptables;
    private final Runnable onLoss;
    private ScheduledExecutorService executor;

    CanaryMonitor(Iptables iptables, Runnable onLoss) {
        this.iptables = iptables;
        this.onLoss = onLoss;
    }

    /** Creates the canary chains in every table (idempotent). */
    void ensureCanaries() throws IptablesException {
        for (String table : TABLES) {
            iptables.ensureChain(table, CANARY);
        }
    }

    synchronized void start(Duration period) {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(
                Failures.daemonThreads("sluice-iptables-canary-" + iptables.family()));
        long ms = Math.max(period.toMillis(), 100);
        executor.scheduleWithFixedDelay(this::checkQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // Logged with its cause and counted; the next period checks again.
            Failures.exception(Thread.currentThread().getName(), e);
        } catch (Error e) {
            // scheduleWithFixedDelay would swallow it and silently end the monitoring: end the process instead.
            Failures.fatal(Thread.currentThread().getName(), e);
            throw e;
        }
    }

    /**
     * One poll.
     *
     * @return true when the canary was lost (and {@code onLoss} was called)
     */
    boolean check() {
        Optional<List<String>> mangle;
        try {
            mangle = iptables.listChain(Iptables.MANGLE, CANARY);
        } catch (IptablesException e) {
            // Exit status 4 is a busy lock, not a deleted chain; any other failure is no evidence of loss either.
            LOG.debug("canary check inconclusive: {}", e.getMessage());
            return false;
        }
        if (mangle.isPresent()) {
            return false;
        }
        LOG.info("{} (mangle) is gone for {}: requesting a full sync", CANARY, iptables.family());
        waitForOtherTables();
        onLoss.run();
        try {
            ensureCanaries();
        } catch (IptablesException e) {
            LOG.warn("could not re-create " + CANARY + ": " + e.getMessage());
        }
        return true;
    }

    private void waitForOtherTables() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean allGone = true;
            for (String table : List.of(Iptables.NAT, Iptables.FILTER)) {
                try {
                    if (iptables.listChain(table, CANARY).isPresent()) {
                        allGone = false;
                    }
                } catch (IptablesException e) {
                    allGone = false;
                }
            }
            if (allGone) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
