package io.sluice.nftables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.nftables.exec.Nft;
import io.sluice.nftables.exec.NftException;
import io.sluice.nftables.exec.TableNames;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Transaction;
import io.sluice.nftables.render.NftablesRenderOptions;
import io.sluice.nftables.render.NftablesRenderer;
import io.sluice.nftables.render.RenderedTable;
import io.sluice.nftables.sync.CommittedState;
import io.sluice.nftables.sync.SyncPlan;
import io.sluice.nftables.sync.SyncPlanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * kube-proxy's nftables mode: one {@code kube-proxy} table per family ({@code ip}, and {@code ip6} on nodes with IPv6),
 * written with {@code nft -f -} transactions.
 *
 * <p>Per family it keeps a {@link CommittedState}, replaced only after a transaction succeeded. A sync is full when
 * the request says so (the engine's hourly or forced full sync), at start, after any failure, and when the last full
 * sync is older than an hour (kube-proxy's FullSyncPeriod). A full sync lists the table's chain and set names
 * (never rules or elements), writes the fixed objects, every chain and every element, and flushes per-service chains
 * nothing uses any more. A partial sync lists nothing: it rewrites the chains of changed Services (and any chain whose
 * rules differ from the record) and sends the element difference; an idle sync sends nothing. Before the main
 * transaction, a separate one deletes the chains that have been stale for a second (kube-proxy's delay).
 *
 * <p>A failed main transaction changes nothing in the kernel (nft applies it atomically): it counts
 * {@code sync_proxy_rules_nftables_sync_failures_total}, forces a full sync and throws; the record stays as it was.
 * A failed stale-chain deletion counts {@code sync_proxy_rules_nftables_cleanup_failures_total} and makes this sync
 * full, so the listing finds the chains again.
 *
 * <p>Threading: {@link #sync} and {@link #cleanup} run on the sync thread only; {@link #render} is pure.
 */
public final class NftablesBackend implements ProxyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(NftablesBackend.class);
    /** kube-proxy's proxyutil.FullSyncPeriod. */
    static final Duration FULL_SYNC_PERIOD = Duration.ofHours(1);

    private final BackendContext context;
    private final Nft nft;
    private final UnaryOperator<NftablesRenderOptions> optionsOverride;
    private final ConntrackDeleter conntrack;
    private final Map<IpFamily, FamilyState> states = new EnumMap<>(IpFamily.class);

    public NftablesBackend(BackendContext context, Nft nft) {
        this(context, nft, UnaryOperator.identity());
    }

    /**
     * @param optionsOverride applied to the options derived from the configuration (tests use it to match upstream
     *                        fixtures, e.g. the mark {@code 0x4000})
     */
    public NftablesBackend(BackendContext context, Nft nft, UnaryOperator<NftablesRenderOptions> optionsOverride) {
        this(context, nft, optionsOverride, args -> null);
    }

    /**
     * @param conntrack deletes the UDP conntrack entries a sync made stale ({@code conntrack -D ARGS}); returns null on
     *                  success or the error text
     */
    public NftablesBackend(BackendContext context, Nft nft, UnaryOperator<NftablesRenderOptions> optionsOverride,
                           ConntrackDeleter conntrack) {
        this.context = Objects.requireNonNull(context, "context");
        this.nft = Objects.requireNonNull(nft, "nft");
        this.optionsOverride = Objects.requireNonNull(optionsOverride, "optionsOverride");
        this.conntrack = Objects.requireNonNull(conntrack, "conntrack");
    }

    /** Runs one {@code conntrack -D} deletion; null on success, else the error. */
    @FunctionalInterface
    public interface ConntrackDeleter {
        String delete(List<String> args);
    }

    @Override
    public String name() {
        return "nftables";
    }

    /**
     * The transaction of a full sync on a node whose table holds nothing of ours yet (without the once-per-process
     * re-creation of the base chains): IPv4, then for dual-stack a {@code # IPv6} line and the IPv6 transaction.
     */
    @Override
    public String render(ProxySnapshot snapshot) {
        StringBuilder sb = new StringBuilder();
        for (IpFamily family : families(snapshot.node())) {
            if (family == IpFamily.IPv6) {
                sb.append("# IPv6\n");
            }
            RenderedTable t = renderer(family, snapshot.node()).render(snapshot);
            sb.append(SyncPlanner.plan(t, CommittedState.EMPTY, true, false, Set.of(), Set.of(), Set.of(),
                    Instant.EPOCH).transaction().text());
        }
        return sb.toString();
    }

    @Override
    public SyncResult sync(SyncRequest request) throws SyncException {
        boolean anyFull = false;
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        for (IpFamily family : families(request.snapshot().node())) {
            try {
                SyncResult r = state(family).sync(request);
                anyFull |= r.fullSync();
                bytes += r.bytesWritten();
            } catch (SyncException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new SyncException(String.join("; ", failures));
        }
        return new SyncResult(anyFull, bytes);
    }

    /**
     * kube-proxy's nftables cleanup (pkg/proxy/nftables/cleanup.go): deletes the {@code ip kube-proxy} and
     * {@code ip6 kube-proxy} tables, nothing else. Absent tables are fine; the next sync is full.
     */
    @Override
    public void cleanup() throws SyncException {
        List<String> errors = new ArrayList<>();
        for (NftFamily f : NftFamily.values()) {
            try {
                if (nft.deleteTable(f, NftablesRenderOptions.TABLE)) {
                    LOG.info("deleted table {} {}", f.keyword(), NftablesRenderOptions.TABLE);
                }
            } catch (NftException e) {
                errors.add(e.getMessage());
            }
        }
        synchronized (states) {
            states.clear();
        }
        if (!errors.isEmpty()) {
            throw new SyncException("nftables cleanup: " + String.join("; ", errors));
        }
    }

    /** Families to program: IPv4, plus IPv6 when the node or the cluster CIDRs have an IPv6 address. */
    List<IpFamily> families(NodeInfo node) {
        boolean v6 = node.addresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPv6)
                || context.config().clusterCIDRs().stream()
                .anyMatch(c -> Cidr.parse(c).map(x -> x.family() == IpFamily.IPv6).orElse(false));
        return v6 ? List.of(IpFamily.IPv4, IpFamily.IPv6) : List.of(IpFamily.IPv4);
    }

    private NftablesRenderer renderer(IpFamily family, NodeInfo node) {
        return new NftablesRenderer(optionsOverride.apply(NftablesRenderOptions.from(context.config(), family, node)),
                context.metrics());
    }

    /** Package-private for tests: a family's applier state. */
    FamilyState state(IpFamily family) {
        synchronized (states) {
            return states.computeIfAbsent(family, FamilyState::new);
        }
    }

    /** One family's applier state; sync thread only. */
    final class FamilyState {
        final IpFamily family;
        final NftFamily nftFamily;
        private CommittedState committed = CommittedState.EMPTY;
        private boolean needFull = true;
        private boolean firstFullSync = true;
        private Instant lastFullSync = Instant.EPOCH;
        private int lastOperations;
        private ProxySnapshot lastApplied;

        FamilyState(IpFamily family) {
            this.family = family;
            this.nftFamily = NftFamily.of(family);
        }

        /** Operations in the last main transaction (kube-proxy tests' {@code NumOperations}). */
        int lastOperations() {
            return lastOperations;
        }

        CommittedState committed() {
            return committed;
        }

        SyncResult sync(SyncRequest request) throws SyncException {
            Instant now = context.clock().instant();
            boolean full = request.fullSync() || needFull
                    || Duration.between(lastFullSync, now).compareTo(FULL_SYNC_PERIOD) > 0;
            long bytes = 0;

            Transaction stale = SyncPlanner.staleChainDeletion(nftFamily, committed, now);
            if (!stale.isEmpty()) {
                List<String> names = stale.operations().stream()
                        .map(o -> ((io.sluice.nftables.model.Chain) o.object()).name()).toList();
                committed = committed.withoutStale(names);
                try {
                    nft.apply(stale);
                    bytes += stale.text().length();
                } catch (NftException e) {
                    LOG.warn("Unable to delete stale {} chains; will retry later: {}", family, e.getMessage());
                    context.metrics().nftablesCleanupFailure(family);
                    full = true;
                }
            }

            RenderedTable desired = renderer(family, request.snapshot().node()).render(request.snapshot());
            Set<String> chains = Set.of();
            Set<String> sets = Set.of();
            if (full) {
                try {
                    TableNames names = nft.listNames(nftFamily, NftablesRenderOptions.TABLE);
                    chains = names.chains();
                    sets = names.sets();
                } catch (NftException e) {
                    fail("listing table " + nftFamily.keyword() + " " + NftablesRenderOptions.TABLE, e);
                }
            }
            SyncPlan plan = SyncPlanner.plan(desired, committed, full, firstFullSync, request.changedServices(),
                    chains, sets, now);
            Transaction tx = plan.transaction();
            try {
                nft.apply(tx);
            } catch (NftException e) {
                fail((full ? "full" : "partial") + " sync of " + tx.size() + " operations", e);
            }
            committed = plan.afterSuccess();
            lastOperations = tx.size();
            clearStaleConntrack(lastApplied, request.snapshot());
            lastApplied = request.snapshot();
            needFull = false;
            if (full) {
                lastFullSync = now;
                firstFullSync = false;
            }
            context.metrics().noLocalEndpoints("internal", family, desired.noLocalEndpointsInternal());
            context.metrics().noLocalEndpoints("external", family, desired.noLocalEndpointsExternal());
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {} sync: {} operations, {} chains written", family, full ? "full" : "partial",
                        tx.size(), plan.chainsWritten());
            }
            return new SyncResult(full, bytes + (tx.isEmpty() ? 0 : tx.text().length()));
        }

        /**
         * kube-proxy's conntrack.CleanStaleEntries after a successful sync (shared with iptables mode): UDP flows to
         * removed endpoints, or to services that just got endpoints, would otherwise keep their old translation.
         */
        private void clearStaleConntrack(ProxySnapshot before, ProxySnapshot after) {
            for (List<String> args : io.sluice.iptables.UdpConntrackCleanup.staleEntries(before, after, family)) {
                String err = conntrack.delete(args);
                if (err != null) {
                    LOG.warn("stale UDP conntrack entries not cleared: {}", err);
                    context.metrics().backendError("nftables", "conntrack");
                }
            }
        }

        private void fail(String what, NftException e) throws SyncException {
            context.metrics().nftablesSyncFailure(family);
            needFull = true;
            LOG.warn("nftables {} {} failed; the previous state stays, next sync is full: {}", family, what,
                    e.getMessage());
            throw new SyncException("nftables " + family + " " + what + ": " + e.getMessage(), e);
        }
    }

}
