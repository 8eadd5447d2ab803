package io.sluice.core.sync;

import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.config.ProxyConfig;
import io.sluice.core.health.ProxyHealth;
import io.sluice.core.metrics.ProxyMetrics;
import io.sluice.core.model.IpFamily;
import io.sluice.core.tracker.ChangeSource;
import io.sluice.core.tracker.TrackedChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sync loop: a {@link ChangeSource} feeds a {@link ProxyBackend} through a {@link BoundedFrequencyRunner}, and
 * every sync is recorded in {@link ProxyMetrics} and {@link ProxyHealth}. This is kube-proxy's
 * {@code syncProxyRules} shell around the backend.
 *
 * <p>Each sync:
 * <ol>
 *   <li>does nothing until the source is initialized (kube-proxy waits for both informers' initial lists);</li>
 *   <li>drains the source (the full snapshot plus the services changed since the previous drain);</li>
 *   <li>decides a <b>full</b> sync on the first sync, after any failure, at least every {@link #FULL_SYNC_PERIOD}
 *   (kube-proxy's {@code FullSyncPeriod}), when the node's topology changed, or when the backend asked through
 *   {@link FullSyncRequests} ({@code BackendContext.requestFullSync}); otherwise a <b>partial</b> sync of the changed
 *   services;</li>
 *   <li>calls {@code backend.sync}; on success records, for each family the backend says it programmed
 *   ({@code SyncResult.families}, else every family), durations (overall and full/partial), the last-sync timestamp
 *   and health; network-programming latency is recorded once per trigger time drained since the last success, under
 *   the family of the EndpointSlice that carried it; on
 *   failure logs, counts, requires a full sync next time and lets the runner retry with backoff.</li>
 * </ol>
 * In dry-run mode {@code backend.sync} is never called: the snapshot is rendered with {@code backend.render} and its
 * size logged, so nothing touches the kernel.
 *
 * <p>Threading: syncs run on the runner's single thread ({@link #syncOnce()} on the caller's); they are serialized
 * by a lock, so calling {@link #syncOnce()} while the loop runs is safe. The change listener runs on the source's
 * threads and only records timestamps and pokes the runner. {@link #close()} stops the loop, waiting for a sync in
 * progress; it does not close the backend (its owner does) and leaves kernel state in place.
 */
public final class SyncEngine implements AutoCloseable {

    /** kube-proxy's {@code proxyutil.FullSyncPeriod}: a full sync at least hourly, to repair drift. */
    public static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    private enum Outcome { NOT_INITIALIZED, SUCCESS, FAILURE }

    private final ChangeSource source;
    private final ProxyBackend backend;
    private final ProxyMetrics metrics;
    private final ProxyHealth health;
    private final List<IpFamily> families;
    private final boolean dryRun;
    private final Clock clock;
    private final FullSyncRequests fullSyncRequests;
    private final BoundedFrequencyRunner runner;

    private final AtomicLong seenServiceChanges = new AtomicLong();
    private final AtomicLong seenEndpointChanges = new AtomicLong();

    // Guarded by "this" (the sync lock).
    private boolean needFullSync = true;
    private Instant lastFullSync;
    private final List<Instant> pendingTriggerTimes = new ArrayList<>();
    /** Trigger times by the family of their EndpointSlice; a trigger is recorded once, under its own family. */
    private final java.util.Map<IpFamily, List<Instant>> pendingTriggersByFamily = new java.util.EnumMap<>(IpFamily.class);
    private long syncs;
    private long failedSyncs;
    private boolean lastSyncFull;
    private String lastRendered = "";
    private volatile boolean closed;

    private SyncEngine(Builder b) {
        this.source = b.source;
        this.backend = b.backend;
        this.metrics = b.metrics != null ? b.metrics : new ProxyMetrics();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.health = b.health != null ? b.health : ProxyHealth.forSyncPeriod(clock, b.syncPeriod);
        this.families = List.copyOf(b.families);
        this.dryRun = b.dryRun;
        this.fullSyncRequests = b.fullSyncRequests != null ? b.fullSyncRequests : new FullSyncRequests();
        SyncScheduler scheduler = b.scheduler != null ? b.scheduler : SyncScheduler.singleThread("sluice-sync");
        this.runner = new BoundedFrequencyRunner("sync-runner", this::runnerSync, b.minSyncPeriod, b.syncPeriod,
                scheduler);
    }

    public static Builder builder(ChangeSource source, ProxyBackend backend) {
        return new Builder(source, backend);
    }

    /**
     * Starts the loop: marks every family updated in {@link ProxyHealth} (kube-proxy's {@code SyncLoop}), installs the
     * change listener, starts the runner and, if the source is already initialized, requests the first sync. Call
     * once.
     */
    public void start() {
        fullSyncRequests.onRequest(runner::run);
        // kube-proxy's SyncLoop: "update healthz timestamp at beginning in case Sync() never succeeds". Each family
        // is judged from now on, so a change queued (the initial lists included) but not synced within the health
        // timeout turns /healthz and /livez to 503 even before the first successful sync.
        for (IpFamily f : families) {
            health.updated(f);
        }
        source.setChangeListener(this::onChange);
        runner.start();
        if (source.isInitialized()) {
            onChange();
        }
        LOG.info("sync loop started (backend {}, dry-run {})", backend.name(), dryRun);
    }

    /**
     * One sync now, on the caller's thread ({@code --once}). Returns true on success; false when the source is not
     * initialized yet or the sync failed.
     */
    public boolean syncOnce() {
        Outcome o = syncLocked();
        if (o == Outcome.NOT_INITIALIZED) {
            LOG.warn("sync skipped: the initial lists of Services and EndpointSlices have not arrived");
        }
        return o == Outcome.SUCCESS;
    }

    /** Asks for a full sync soon (same as the backend's {@code requestFullSync}). */
    public void requestFullSync() {
        fullSyncRequests.run();
    }

    /** The runner, e.g. to request a sync. */
    public BoundedFrequencyRunner runner() {
        return runner;
    }

    public ProxyHealth health() {
        return health;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Successful syncs so far. */
    public synchronized long syncs() {
        return syncs;
    }

    /** Failed syncs so far (the backend counts its own restore failures in the metrics). */
    public synchronized long failedSyncs() {
        return failedSyncs;
    }

    /** Whether the last successful sync was a full one. */
    public synchronized boolean lastSyncFull() {
        return lastSyncFull;
    }

    /** Dry-run mode: the text of the last rendering ("" before the first). */
    public synchronized String lastRendered() {
        return lastRendered;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        source.setChangeListener(null);
        fullSyncRequests.onRequest(null);
        runner.stop();
    }

    // ---- change listener (source threads) ----

    private void onChange() {
        recordChangeCounts();
        if (closed || !source.isInitialized()) {
            return;
        }
        Instant now = clock.instant();
        for (IpFamily f : families) {
            metrics.lastQueuedTimestamp(f, now);
            health.queuedUpdate(f);
        }
        runner.run();
    }

    private void recordChangeCounts() {
        long svc = source.totalServiceChanges();
        long eps = source.totalEndpointChanges();
        long prevSvc = seenServiceChanges.getAndAccumulate(svc, Math::max);
        long prevEps = seenEndpointChanges.getAndAccumulate(eps, Math::max);
        metrics.changesReceived(Math.max(0, svc - prevSvc), Math.max(0, eps - prevEps));
        metrics.changesPending(source.pendingServiceChanges(), source.pendingEndpointChanges());
    }

    // ---- the sync itself ----

    private boolean runnerSync() {
        return syncLocked() != Outcome.FAILURE;
    }

    private synchronized Outcome syncLocked() {
        if (!source.isInitialized()) {
            LOG.debug("not syncing: source not initialized");
            return Outcome.NOT_INITIALIZED;
        }
        Instant start = clock.instant();
        TrackedChanges changes = source.drain();
        recordChangeCounts();
        health.syncNode(changes.snapshot().node());
        if (changes.triggerTimesByFamily().isEmpty()) {
            pendingTriggerTimes.addAll(changes.triggerTimes());
        } else {
            changes.triggerTimesByFamily().forEach((f, l) ->
                    pendingTriggersByFamily.computeIfAbsent(f, k -> new ArrayList<>()).addAll(l));
        }
        boolean requested = fullSyncRequests.consume();
        boolean full = needFullSync || requested || changes.nodeChanged() || lastFullSync == null
                || !start.isBefore(lastFullSync.plus(FULL_SYNC_PERIOD));

        boolean didFull;
        long size;
        List<IpFamily> synced = families;
        try {
            if (dryRun) {
                String text = backend.render(changes.snapshot());
                lastRendered = text;
                didFull = true;
                size = text.length();
                LOG.info("dry-run: {} would write {} lines, {} bytes", backend.name(), text.lines().count(),
                        text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            } else {
                SyncResult r = backend.sync(new SyncRequest(changes.snapshot(), changes.changedServices(), full));
                didFull = full || r.fullSync();
                size = r.bytesWritten();
                if (!r.families().isEmpty()) {
                    synced = families.stream().filter(r.families()::contains).toList();
                }
            }
        } catch (SyncException | RuntimeException e) {
            failedSyncs++;
            needFullSync = true;
            metrics.syncError(full);
            LOG.warn("{} sync failed ({} so far); the next sync is full: {}", full ? "full" : "partial",
                    failedSyncs, e.toString(), e instanceof SyncException ? null : e);
            return Outcome.FAILURE;
        }

        Instant end = clock.instant();
        Duration took = Duration.between(start, end);
        needFullSync = false;
        if (didFull) {
            lastFullSync = end;
        }
        syncs++;
        lastSyncFull = didFull;
        // Per family that this sync programmed (kube-proxy: one proxier per family records its own). A change's
        // network-programming latency is recorded once: under its EndpointSlice's family, or (family unknown) under
        // the first family synced; never once per family.
        for (IpFamily f : synced) {
            metrics.syncDuration(f, took, didFull);
            metrics.lastSyncTimestamp(f, end);
            List<Instant> own = pendingTriggersByFamily.remove(f);
            for (Instant trigger : own == null ? List.<Instant>of() : own) {
                metrics.networkProgramming(f, Duration.between(trigger, end));
            }
        }
        // Health: a successful sync is a sync of every family the node serves, including one the backend had nothing
        // to write for (no node IP of that family). kube-proxy runs one proxier per family and each one's empty sync
        // still stamps its health; judging such a family by "programmed" would keep /healthz at 503 forever.
        for (IpFamily f : families) {
            health.updated(f);
        }
        if (!synced.isEmpty()) {
            for (Instant trigger : pendingTriggerTimes) {
                metrics.networkProgramming(synced.get(0), Duration.between(trigger, end));
            }
        }
        pendingTriggerTimes.clear();
        // Triggers of a family the engine does not record (or that did not sync) are dropped, not counted twice.
        pendingTriggersByFamily.clear();
        if (syncs == 1) {
            LOG.info("first sync done: {} service ports, {} endpoints, {} in {} ms",
                    changes.snapshot().services().size(), changes.snapshot().endpointCount(),
                    didFull ? "full" : "partial", took.toMillis());
        } else {
            LOG.debug("{} sync done: {} changed services, {} bytes, {} ms", didFull ? "full" : "partial",
                    changes.changedServices().size(), size, took.toMillis());
        }
        return Outcome.SUCCESS;
    }

    /** Configures a {@link SyncEngine}. */
    public static final class Builder {
        private final ChangeSource source;
        private final ProxyBackend backend;
        private ProxyMetrics metrics;
        private ProxyHealth health;
        private Duration minSyncPeriod = ProxyConfig.Iptables.DEFAULTS.minSyncPeriod();
        private Duration syncPeriod = ProxyConfig.Iptables.DEFAULTS.syncPeriod();
        private List<IpFamily> families = List.of(IpFamily.IPv4);
        private boolean dryRun;
        private SyncScheduler scheduler;
        private Clock clock;
        private FullSyncRequests fullSyncRequests;

        private Builder(ChangeSource source, ProxyBackend backend) {
            this.source = Objects.requireNonNull(source, "source");
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /** Metrics to record into (default: a fresh {@link ProxyMetrics}). */
        public Builder metrics(ProxyMetrics m) {
            this.metrics = m;
            return this;
        }

        /** Health to update (default: {@code 2 × syncPeriod} timeout on the engine's clock). */
        public Builder health(ProxyHealth h) {
            this.health = h;
            return this;
        }

        /** minSyncPeriod and syncPeriod of the active mode. */
        public Builder config(ProxyConfig config) {
            this.minSyncPeriod = config.minSyncPeriod();
            this.syncPeriod = config.syncPeriod();
            return this;
        }

        /** The minimum gap between syncs (runner minInterval). */
        public Builder minSyncPeriod(Duration d) {
            this.minSyncPeriod = d;
            return this;
        }

        /** The longest time without a sync (runner maxInterval); also sets the default health timeout. */
        public Builder syncPeriod(Duration d) {
            this.syncPeriod = d;
            return this;
        }

        /** Families whose metrics and health are recorded (default [IPv4]). */
        public Builder ipFamilies(List<IpFamily> f) {
            this.families = f;
            return this;
        }

        /** Render instead of sync: never touch the kernel. */
        public Builder dryRun(boolean d) {
            this.dryRun = d;
            return this;
        }

        /** Where syncs run (default: one daemon thread "sluice-sync"). */
        public Builder scheduler(SyncScheduler s) {
            this.scheduler = s;
            return this;
        }

        /** The wall clock for timestamps and durations (default UTC system clock). */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** The object passed to the backend as {@code BackendContext.requestFullSync}. */
        public Builder fullSyncRequests(FullSyncRequests f) {
            this.fullSyncRequests = f;
            return this;
        }

        public SyncEngine build() {
            return new SyncEngine(this);
        }
    }
}
