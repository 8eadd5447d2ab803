package io.sluice.iptables;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.conntrack.Conntrack;
import io.sluice.core.conntrack.UdpConntrackCleanup;
import io.sluice.iptables.exec.Iptables;
import io.sluice.iptables.exec.IptablesException;
import io.sluice.iptables.exec.IptablesSystem;
import io.sluice.core.exec.IptablesVariant;
import io.sluice.core.exec.IptablesVersion;
import io.sluice.iptables.exec.Nfacct;
import io.sluice.iptables.render.IptablesRenderer;
import io.sluice.iptables.render.JumpRule;
import io.sluice.iptables.render.JumpRules;
import io.sluice.iptables.render.RenderOptions;
import io.sluice.iptables.render.RenderRequest;
import io.sluice.iptables.render.RenderedRules;
import io.sluice.iptables.render.SkippedServicePort;
import io.sluice.iptables.render.TopLevelChains;
import io.sluice.iptables.render.TopLevelRewrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * kube-proxy's iptables mode: renders with {@link IptablesRenderer} and applies with one
 * {@code iptables-restore --noflush --counters} per family and sync.
 *
 * <p>Families: IPv4 always; IPv6 as well when the node has an IPv6 address or a cluster CIDR is IPv6 (kube-proxy
 * runs one proxier per family the node supports). Each family keeps its own state:
 * <ul>
 *   <li>{@code needFullSync}: true at start, after any failure and after canary loss; a sync is full when the request
 *       says so or when this is set. The periodic (hourly) full sync is the sync engine's policy alone
 *       ({@code SyncEngine.FULL_SYNC_PERIOD}, kube-proxy's FullSyncPeriod): it asks with {@code request.fullSync()};</li>
 *   <li>on full syncs only: the jump rules from the built-in chains ({@code -C}, then {@code -I} when missing), the
 *       canary chains, the nfacct counters and {@code route_localnet};</li>
 *   <li>every sync: {@code iptables-save -t nat} to learn existing chains, so stale service chains get deleted
 *       (kube-proxy syncProxyRules: existingNATChains from iptables-save), then one restore. A failed restore changes nothing in the kernel (one transaction per
 *       table); it counts {@code restoreFailure} (and {@code partialRestoreFailure} when partial), sets needFullSync
 *       and throws.</li>
 *   <li>{@code lastTopLevel}: the top-level chains as the last successful restore wrote them, replaced only after a
 *       successful restore and forgotten after a failed one. With {@link TopLevelRewrite#WHEN_CHANGED} (the default)
 *       a partial sync writes only the top-level chains that differ from it, and skips the restore entirely when the
 *       payload is empty. Unlike kube-proxy's, such a partial restore would not fail on chains someone else deleted,
 *       so a partial sync that scans the nat table also checks for drift ({@link KernelDrift}: missing chains, flushed
 *       top-level chains, missing jumps and canaries, in nat from the same save and in filter from one more save) and
 *       turns into a full sync when it finds any, counting {@code repair}. A service chain flushed but not deleted is
 *       left to the hourly full sync.</li>
 * </ul>
 * After a successful sync the UDP conntrack entries it made stale are deleted ({@link UdpConntrackCleanup}).
 *
 * <p>Threading: {@link #sync} and {@link #cleanup} run on the sync thread only; the canary monitor runs on its own
 * daemon thread, started on the first sync, and only sets a volatile flag and calls
 * {@link BackendContext#requestFullSync()}. {@link #render} is pure.
 */
public final class IptablesBackend implements ProxyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesBackend.class);
    static final String ROUTE_LOCALNET = "net/ipv4/conf/all/route_localnet";
    /** kube-proxy's largeClusterEndpointsThreshold: above it, stale-chain detection runs once per syncPeriod. */
    static final int LARGE_CLUSTER_ENDPOINTS = 1000;

    private final BackendContext context;
    private final IptablesSystem system;
    private final UnaryOperator<RenderOptions> optionsOverride;
    private final TopLevelRewrite topLevelRewrite;
    private final Map<IpFamily, FamilyState> states = new EnumMap<>(IpFamily.class);

    /** Real kernel access through {@code system}; nothing is probed until the first sync. */
    public IptablesBackend(BackendContext context, IptablesSystem system) {
        this(context, system, UnaryOperator.identity());
    }

    /**
     * @param optionsOverride applied to the render options derived from the configuration (tests use it to match
     *                        upstream fixtures, e.g. a masquerade mark of {@code 0x4000})
     */
    public IptablesBackend(BackendContext context, IptablesSystem system, UnaryOperator<RenderOptions> optionsOverride) {
        this(context, system, optionsOverride, TopLevelRewrite.WHEN_CHANGED);
    }

    /**
     * @param topLevelRewrite {@link TopLevelRewrite#WHEN_CHANGED} (the default) leaves unchanged top-level chains out
     *                        of partial payloads; {@link TopLevelRewrite#ALWAYS} writes them on every sync, exactly
     *                        as kube-proxy does (conformance replays use it)
     */
    public IptablesBackend(BackendContext context, IptablesSystem system, UnaryOperator<RenderOptions> optionsOverride,
                           TopLevelRewrite topLevelRewrite) {
        this.context = Objects.requireNonNull(context, "context");
        this.system = Objects.requireNonNull(system, "system");
        this.optionsOverride = Objects.requireNonNull(optionsOverride, "optionsOverride");
        this.topLevelRewrite = Objects.requireNonNull(topLevelRewrite, "topLevelRewrite");
    }

    @Override
    public String name() {
        return "iptables";
    }

    /** Without an iptables-restore of either variant nothing can be written: say so once, at start. */
    @Override
    public void checkHost() throws SyncException {
        if (IptablesVariant.installed(system.commands(), IpFamily.IPv4).isEmpty()) {
            throw new SyncException("the iptables backend needs iptables-restore, and neither "
                    + IptablesVariant.NFT.binary(IpFamily.IPv4, "restore") + " nor "
                    + IptablesVariant.LEGACY.binary(IpFamily.IPv4, "restore")
                    + " runs on this host: install the iptables package (Debian/Ubuntu: apt-get install iptables)");
        }
    }

    /**
     * The full payload of each family with no existing chains, for dumps: IPv4 first, then for dual-stack a
     * {@code # IPv6} line and the IPv6 payload. Uses the context's assumptions (defaults for unset ones), never probes.
     */
    @Override
    public String render(ProxySnapshot snapshot) {
        KernelAssumptions caps = context.assumptions().orDefaults(KernelAssumptions.DUMP_DEFAULTS);
        StringBuilder sb = new StringBuilder();
        for (IpFamily family : families(snapshot)) {
            if (family == IpFamily.IPv6) {
                sb.append("# IPv6\n");
            }
            RenderOptions o = optionsOverride.apply(RenderOptions.from(context.config(), family, snapshot.node(), caps,
                    context.nodeFacts()));
            sb.append(new IptablesRenderer(o).render(snapshot, RenderRequest.full(Set.of())).payload());
        }
        return sb.toString();
    }

    @Override
    public SyncResult sync(SyncRequest request) throws SyncException {
        ProxySnapshot snapshot = request.snapshot();
        boolean anyFull = false;
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        SyncException first = null;
        for (IpFamily family : families(snapshot)) {
            FamilyState state = state(family);
            try {
                FamilyResult r = state.sync(request);
                anyFull |= r.full;
                bytes += r.bytes;
            } catch (SyncException e) {
                failures.add(e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new SyncException(String.join("; ", failures), first.getCause());
        }
        return new SyncResult(anyFull, bytes, java.util.EnumSet.copyOf(families(snapshot)));
    }

    /**
     * kube-proxy's {@code --cleanup} for iptables mode (cleanup.go), for both families and every installed variant:
     * deletes the jump rules from the built-in chains, flushes and deletes kube-proxy's nat chains (fixed ones and every
     * service chain found by {@code iptables-save}) and filter chains in one restore per table, then deletes the
     * mangle canary. KUBE-FIREWALL and its jumps stay (kubelet owns them), as does every chain and rule of others.
     * Idempotent. Stops the canary monitors first.
     */
    @Override
    public void cleanup() throws SyncException {
        close();
        List<String> errors = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            for (Iptables ipt : system.allVariants(family)) {
                errors.addAll(IptablesCleanup.run(ipt));
            }
        }
        synchronized (states) {
            states.values().forEach(s -> s.needFull = true);
        }
        if (!errors.isEmpty()) {
            throw new SyncException("iptables cleanup: " + String.join("; ", errors));
        }
    }

    /** Stops the canary monitors; rules stay in place. */
    @Override
    public void close() {
        synchronized (states) {
            states.values().forEach(s -> s.canary.close());
        }
    }

    /** Families to program, as the shared node facts decide ({@link io.sluice.core.node.NodeFacts#families}). */
    List<IpFamily> families(ProxySnapshot snapshot) {
        return context.nodeFacts().families(context.config(), snapshot);
    }

    /** Package-private for tests: a family's state (created on first use). */
    FamilyState state(IpFamily family) {
        synchronized (states) {
            return states.computeIfAbsent(family, FamilyState::new);
        }
    }

    private record FamilyResult(boolean full, long bytes) {
    }

    /** One family's applier state. Used from the sync thread; {@code needFull} is also set by the canary thread. */
    final class FamilyState {
        final IpFamily family;
        final CanaryMonitor canary;
        volatile boolean needFull = true;
        private Instant lastStaleChainScan = Instant.EPOCH;
        private KernelAssumptions caps;
        private ProxySnapshot lastApplied;
        private RenderOptions rendererOptions;
        private IptablesRenderer renderer;
        /** The top-level chains as the last successful restore left them; NONE after a failure or at start. */
        private TopLevelChains lastTopLevel = TopLevelChains.NONE;

        FamilyState(IpFamily family) {
            this.family = family;
            this.canary = new CanaryMonitor(new LazyIptables(family), () -> {
                needFull = true;
                context.requestFullSync().run();
            });
        }

        private Iptables iptables() {
            return system.iptables(family);
        }

        private Set<ServicePortName> skipped = Set.of();

        FamilyResult sync(SyncRequest request) throws SyncException {
            Instant now = context.clock().instant();
            boolean full = request.fullSync() || needFull;
            Iptables ipt = iptables();
            ProxySnapshot snapshot = request.snapshot();
            RenderedRules rendered;
            boolean scanned;
            try {
                if (full) {
                    prepareFullSync(ipt, snapshot.node());
                }
                // syncProxyRules: learn the existing nat chains so stale service chains get deleted; in large clusters only
                // once per syncPeriod (iptables-save of a huge table is expensive), as kube-proxy does.
                boolean large = snapshot.endpointCount() > LARGE_CLUSTER_ENDPOINTS;
                scanned = !large || full
                        || Duration.between(lastStaleChainScan, now).compareTo(context.config().syncPeriod()) > 0;
                // Streamed (the table's text is never held); chain names for stale-chain detection, the rest for drift.
                SavedTable nat = scanned ? SavedTable.read(ipt, Iptables.NAT,
                        KernelDrift.topLevelChainsOf(Iptables.NAT, lastTopLevel)) : null;
                Set<String> existing = nat != null ? nat.chains() : Set.of();
                RenderRequest rr = new RenderRequest(full, request.changedServices(), existing, topLevelRewrite,
                        lastTopLevel);
                rendered = renderer(snapshot.node()).render(snapshot, rr);
                if (!full && nat != null && driftRepairNeeded(ipt, nat, rendered)) {
                    // Someone else removed what Sluice wrote: write everything again now (within this periodic
                    // sync), as kube-proxy's failing partial restore would make it do.
                    full = true;
                    prepareFullSync(ipt, snapshot.node());
                    rendered = renderer(snapshot.node()).render(snapshot, new RenderRequest(true,
                            request.changedServices(), existing, topLevelRewrite, TopLevelChains.NONE));
                }
            } catch (IptablesException | RuntimeException e) {
                // Like kube-proxy: a failed EnsureChain/EnsureRule or iptables-save aborts the sync before any
                // restore (no restore-failure metric) and the next sync is full.
                needFull = true;
                throw new SyncException(family + " iptables sync failed: " + e.getMessage(), e);
            }
            try {
                if (!rendered.restorePayload().isEmpty()) {
                    ipt.restore(rendered.restorePayload(), Optional.empty());
                } else {
                    LOG.debug("{} partial sync: nothing changed, no restore", family);
                }
            } catch (IptablesException e) {
                lastTopLevel = TopLevelChains.NONE; // the next (full) sync writes every chain anyway
                context.metrics().restoreFailure(family);
                if (!full) {
                    context.metrics().partialRestoreFailure(family);
                }
                needFull = true;
                LOG.warn("{} {} restore failed; previous rules stay in place, next sync is full: {}", family,
                        full ? "full" : "partial", e.getMessage());
                throw new SyncException(family + " iptables-restore failed: " + e.getMessage(), e);
            }
            needFull = false;
            reportNewlySkipped(rendered);
            // Only now: a failed restore left the kernel as the previous successful one did.
            lastTopLevel = rendered.topLevelChains();
            if (scanned) {
                lastStaleChainScan = now;
            }
            context.metrics().iptablesRules("filter", family, rendered.filterTotal(), rendered.filterRules());
            context.metrics().iptablesRules("nat", family, rendered.natTotal(), rendered.natLast());
            context.metrics().noLocalEndpoints("internal", family, rendered.noLocalEndpointsInternal());
            context.metrics().noLocalEndpoints("external", family, rendered.noLocalEndpointsExternal());
            clearStaleConntrack(lastApplied, snapshot);
            lastApplied = snapshot;
            canary.start(context.config().syncPeriod());
            return new FamilyResult(full, rendered.restorePayload().length());
        }

        /**
         * The drift check of a scanning partial sync (the nat table was just saved for stale-chain detection, so the
         * nat side costs no extra command; the filter side is one {@code iptables-save -t filter}). Logs and counts
         * {@code sluice_repairs_total{backend="iptables",what}} per kind of drift found.
         */
        private boolean driftRepairNeeded(Iptables ipt, SavedTable nat, RenderedRules rendered)
                throws IptablesException {
            if (lastTopLevel.chains().isEmpty()) {
                return false; // nothing known to compare with (the first sync after a failure is full anyway)
            }
            Set<String> declared = declaredChains(rendered.payload());
            List<String> mustExist = new ArrayList<>();
            for (String chain : rendered.activeNatChains()) {
                if (!declared.contains(chain)) {
                    mustExist.add(chain);
                }
            }
            List<KernelDrift.Drift> drift = new ArrayList<>(KernelDrift.find(Iptables.NAT, nat, lastTopLevel,
                    mustExist, CanaryMonitor.CANARY, JumpRules.forFamily(family)));
            SavedTable filter = SavedTable.read(ipt, Iptables.FILTER,
                    KernelDrift.topLevelChainsOf(Iptables.FILTER, lastTopLevel));
            drift.addAll(KernelDrift.find(Iptables.FILTER, filter, lastTopLevel, List.of(), CanaryMonitor.CANARY,
                    JumpRules.forFamily(family)));
            if (drift.isEmpty()) {
                return false;
            }
            Set<String> kinds = new TreeSet<>();
            for (KernelDrift.Drift d : drift) {
                kinds.add(d.what());
            }
            kinds.forEach(what -> context.metrics().repair("iptables", what));
            LOG.warn("{}: rules Sluice wrote were removed by someone else ({}); repairing with a full sync", family,
                    drift.stream().map(d -> d.what() + ": " + d.example()).collect(
                            java.util.stream.Collectors.joining(", ")));
            return true;
        }

        /**
         * Service ports the renderer refused (a value that could be mis-parsed by iptables-restore; the source layer
         * should have rejected it already) are logged and counted once, when they first appear, not on every sync.
         */
        private void reportNewlySkipped(RenderedRules rendered) {
            Set<ServicePortName> now = new java.util.HashSet<>();
            for (SkippedServicePort p : rendered.skippedServicePorts()) {
                now.add(p.name());
                if (!skipped.contains(p.name())) {
                    LOG.warn("{}: service port {} not programmed: {}", family, p.name(), p.reason());
                    context.metrics().invalidObject("Service", p.name().service().toString(), "unsafe-for-iptables");
                }
            }
            skipped = now;
        }

        /** Jump rules, canaries, nfacct counters, route_localnet: kube-proxy does these on full syncs only. */
        private void prepareFullSync(Iptables ipt, NodeInfo node) throws IptablesException {
            for (JumpRule j : JumpRules.forFamily(family)) {
                ipt.ensureChain(j.table(), j.toChain());
                ipt.ensureRulePrepended(j.table(), j.fromChain(), JumpSpecs.spec(j));
            }
            canary.ensureCanaries();
            KernelAssumptions k = caps(ipt);
            if (k.nfacct()) {
                for (String counter : List.of(Nfacct.CT_STATE_INVALID_DROPPED, Nfacct.LOCALHOST_NODEPORTS_ACCEPTED)) {
                    if (Nfacct.ensure(system.commands(), counter)) {
                        // nfacct counters are per network namespace, not per family: both families read the same.
                        context.metrics().nfacctCounter(counter, () -> Nfacct.packets(system.commands(), counter));
                    }
                }
            }
            // The renderer's view, not the flag alone: nodePortAddresses without 127.0.0.0/8 turns localhost node ports off.
            if (family == IpFamily.IPv4 && renderer(node).localhostNodePortsEnabled()) {
                // kube-proxy sets route_localnet so that 127.0.0.1:<nodePort> can be DNATed off the host.
                if (!system.sysctl().get(ROUTE_LOCALNET).map("1"::equals).orElse(false)) {
                    try {
                        system.sysctl().set(ROUTE_LOCALNET, "1");
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("could not set {}=1: {}", ROUTE_LOCALNET, e.getMessage());
                    }
                }
            }
        }

        /** The context's assumptions; unset ones probed once (iptables ≥ 1.6.2 for --random-fully, nfacct tool). */
        private KernelAssumptions caps(Iptables ipt) throws IptablesException {
            if (caps == null) {
                KernelAssumptions given = context.assumptions();
                Boolean randomFully = given.randomFully();
                if (randomFully == null) {
                    IptablesVersion v = ipt.version();
                    randomFully = v.atLeast(IptablesVersion.RANDOM_FULLY_MIN);
                }
                Boolean nfacct = given.nfacct();
                if (nfacct == null) {
                    nfacct = Nfacct.ensure(system.commands(), Nfacct.CT_STATE_INVALID_DROPPED)
                            && Nfacct.ensure(system.commands(), Nfacct.LOCALHOST_NODEPORTS_ACCEPTED);
                }
                caps = new KernelAssumptions(nfacct, randomFully);
                LOG.info("{} iptables ({}): nfacct={}, random-fully={}", family, ipt.variant(), nfacct, randomFully);
            }
            return caps;
        }

        private IptablesRenderer renderer(NodeInfo node) throws IptablesException {
            // The options change with the Node and, in run, with the host's addresses (re-read every sync, as
            // kube-proxy's syncProxyRules calls GetNodeIPs each time); the renderer is rebuilt only when they do.
            KernelAssumptions k = caps(iptables());
            RenderOptions options = optionsOverride.apply(
                    RenderOptions.from(context.config(), family, node, k, context.nodeFacts()));
            if (renderer == null || !options.equals(rendererOptions)) {
                renderer = new IptablesRenderer(options);
                rendererOptions = options;
            }
            return renderer;
        }

        private void clearStaleConntrack(ProxySnapshot before, ProxySnapshot after) {
            List<List<String>> stale = UdpConntrackCleanup.staleEntries(before, after, family);
            if (stale.isEmpty()) {
                return;
            }
            Conntrack conntrack = new Conntrack(system.commands());
            for (List<String> args : stale) {
                String err = conntrack.delete(args);
                if (err != null) {
                    LOG.warn("stale UDP conntrack entries not cleared: {}", err);
                    context.metrics().backendError("iptables", "conntrack");
                }
            }
        }
    }

    /** The chains a restore payload declares ({@code :NAME} lines; a partial payload is small). */
    static Set<String> declaredChains(String payload) {
        return chainsOf(payload);
    }

    /** {@code GetChainsFromTable}: the declared chains of an {@code iptables-save} text. */
    static Set<String> chainsOf(String save) {
        Set<String> chains = new TreeSet<>();
        for (String line : save.split("\n")) {
            if (line.startsWith(":")) {
                int sp = line.indexOf(' ');
                chains.add(sp < 0 ? line.substring(1) : line.substring(1, sp));
            }
        }
        return chains;
    }

    /** Resolves the family's tools at first use, so that constructing the backend probes nothing. */
    private final class LazyIptables extends ForwardingIptables {
        private final IpFamily family;

        LazyIptables(IpFamily family) {
            this.family = family;
        }

        @Override
        protected Iptables delegate() {
            return system.iptables(family);
        }
    }
}
