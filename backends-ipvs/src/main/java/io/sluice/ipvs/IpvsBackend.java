package io.sluice.ipvs;

import io.sluice.core.backend.BackendContext;
import io.sluice.core.backend.KernelAssumptions;
import io.sluice.core.backend.ProxyBackend;
import io.sluice.core.backend.SyncException;
import io.sluice.core.backend.SyncRequest;
import io.sluice.core.backend.SyncResult;
import io.sluice.core.conntrack.Conntrack;
import io.sluice.core.conntrack.UdpConntrackCleanup;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.ipvs.ipset.IpsetException;
import io.sluice.ipvs.ipset.IpsetSpec;
import io.sluice.ipvs.ipset.KubeIpsets;
import io.sluice.ipvs.rules.IptablesException;
import io.sluice.ipvs.rules.IpvsChains;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube-proxy's IPVS mode: virtual and real servers through {@link IpvsClient}, service addresses on
 * {@code kube-ipvs0}, kube-proxy's ipsets and its small iptables rule set.
 *
 * <p>{@link #render} is pure and prints, in four sections, what a sync onto an empty kernel would apply:
 * {@code # virtual servers} (one line per virtual server with scheduler, flags and timeout, its real servers
 * indented below), {@code # kube-ipvs0 addresses}, {@code # ipsets} (the {@code ipset restore} payload) and
 * {@code # iptables} (the restore payload; {@code # ip6tables} follows for IPv6). IPv4 is always managed, IPv6 when
 * the Node has an IPv6 address or a service has an IPv6 cluster IP.
 *
 * <p>{@link #sync} sets the IPVS sysctls once, plans the desired state and lets {@link IpvsReconciler} apply the
 * difference. A full sync (requested, the first one, or after any failure) plans every service, re-reads the kernel
 * (virtual and real servers, kube-ipvs0 addresses, {@code ipset save}) and repairs drift. A partial sync after a
 * completely successful one, with the same families, host addresses and node, costs in proportion to the change:
 * {@link IncrementalPlan} re-plans only {@code request.changedServices()} and reports the virtual servers, addresses
 * and ipset entries that changed; the reconciler applies just those against the state the last sync left, reading
 * nothing from the kernel except the real servers of a virtual server losing one (graceful termination); the ipset
 * restore holds only the flipped entries and the iptables restore runs only when its payload changed. The jump rules
 * are ensured on full syncs. Once per syncPeriod a partial sync first checks that the virtual servers, kube-ipvs0
 * addresses and ipsets of the last sync still exist (cheap dumps, no real servers, no ipset entries) and turns full
 * when someone else removed one (self-healing; counted in {@code sluice_repairs_total}). Threading as
 * {@link ProxyBackend} says.
 */
public final class IpvsBackend implements ProxyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(IpvsBackend.class);
    public static final String NAME = "ipvs";

    private final BackendContext context;
    private final IpvsKernel.Opener opener;
    private final IpvsKernelModules modules;
    private IpvsPlanner planner;
    /** The snapshot of the last sync that returned normally (stale UDP conntrack entries are computed from it). */
    private ProxySnapshot lastApplied;
    private final List<Cidr> excludeCidrs;
    private IpvsKernel kernel;
    private IpvsReconciler reconciler;
    private boolean initialized;
    private boolean jumpsEnsured;
    /** When the presence check last ran (or the kernel was last re-read by a full sync). */
    private Instant lastPresenceCheck = Instant.EPOCH;
    /** Per managed family, the plan the last sync applied; null until a sync planned everything. */
    private List<IncrementalPlan> plans;

    public IpvsBackend(BackendContext context, IpvsKernel.Opener opener) {
        this(context, opener, null);
    }

    /** @param modules the startup check of the kernel modules ({@link #checkHost()}); null skips it (tests) */
    public IpvsBackend(BackendContext context, IpvsKernel.Opener opener, IpvsKernelModules modules) {
        this.context = context;
        this.opener = opener;
        this.modules = modules;
        KernelAssumptions dump = context.assumptions().orDefaults(KernelAssumptions.DUMP_DEFAULTS);
        this.planner = new IpvsPlanner(context.config(), Boolean.TRUE.equals(dump.randomFully()));
        List<Cidr> ex = new ArrayList<>();
        for (String c : context.config().ipvs().excludeCIDRs()) {
            Cidr.parse(c).ifPresentOrElse(ex::add, () -> LOG.warn("Ignoring invalid ipvs.excludeCIDRs entry"));
        }
        this.excludeCidrs = List.copyOf(ex);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(ProxySnapshot snapshot) {
        Set<IpFamily> families = families(snapshot);
        HostFacts host = HostFacts.fromNode(snapshot.node());
        List<DesiredIpvsState> desired = new ArrayList<>();
        for (IpFamily f : families) {
            desired.add(planner.plan(snapshot, f, host));
        }
        return IpvsRender.print(IpvsReconciler.fromEmpty(desired, families));
    }

    @Override
    public SyncResult sync(SyncRequest request) throws SyncException {
        IpvsKernel k = kernel();
        if (!initialized) {
            initialize(k);
        }
        ProxySnapshot snapshot = request.snapshot();
        Set<IpFamily> families = families(snapshot);
        HostFacts host;
        try {
            host = HostFacts.of(k.localAddresses().addressesExcept(DummyLink.NAME));
        } catch (RuntimeException e) {
            throw new SyncException("IPVS sync: cannot list local addresses: " + e.getMessage(), e);
        }
        IpvsReconciler.Result r;
        try {
            boolean incremental = canSyncIncrementally(request, families, host);
            boolean repair = incremental && presenceCheckDue() && driftFound(k, families);
            if (incremental && !repair) {
                r = syncIncrementally(request, families);
            } else {
                r = syncEverything(request, families, host, request.fullSync() || repair);
            }
        } catch (SyncException | RuntimeException e) {
            jumpsEnsured = false;
            plans = null;
            throw e;
        }
        if (r.fullResync() || !jumpsEnsured) {
            for (IpFamily f : families) {
                try {
                    k.jumps().ensureAll(f);
                } catch (IptablesException e) {
                    context.metrics().backendError(IpvsReconciler.BACKEND, "ensure-jumps");
                    jumpsEnsured = false;
                    throw new SyncException("IPVS sync: " + e.getMessage(), e);
                }
            }
            jumpsEnsured = true;
        }
        if (r.failures() > 0) {
            context.requestFullSync().run();
        }
        for (IpvsOperation op : r.operations()) {
            LOG.debug("IPVS sync: {}", op.describe());
        }
        clearStaleConntrack(k, lastApplied, snapshot, families);
        lastApplied = snapshot;
        return new SyncResult(r.fullResync(), r.operations().size(), families);
    }

    /**
     * kube-proxy's IPVS proxier runs {@code conntrack.CleanStaleEntries} (pkg/proxy/conntrack/cleanup.go) at the end
     * of every sync, as the iptables one does: UDP entries DNATed to a removed real server, and entries of a UDP
     * service that had no endpoints (or is gone), would keep steering packets. Only after a sync that applied its
     * changes; failures are logged and counted, never fatal.
     */
    private void clearStaleConntrack(IpvsKernel k, ProxySnapshot before, ProxySnapshot after, Set<IpFamily> families) {
        Conntrack conntrack = new Conntrack(k.conntrack());
        for (IpFamily f : families) {
            for (List<String> args : UdpConntrackCleanup.staleEntries(before, after, f)) {
                String err = conntrack.delete(args);
                if (err != null) {
                    LOG.warn("IPVS: stale UDP conntrack entries not cleared: {}", err);
                    context.metrics().backendError(IpvsReconciler.BACKEND, "conntrack");
                }
            }
        }
    }

    /**
     * A partial request after a completely successful sync, with unchanged families, host addresses and node, is
     * re-planned and applied only for {@code request.changedServices()}.
     */
    private boolean canSyncIncrementally(SyncRequest request, Set<IpFamily> families, HostFacts host) {
        if (request.fullSync() || plans == null || !reconciler.canReconcilePartially()
                || plans.size() != families.size()) {
            return false;
        }
        for (IncrementalPlan p : plans) {
            if (!families.contains(p.family()) || !p.sameScope(request.snapshot(), host)) {
                return false;
            }
        }
        return true;
    }

    private IpvsReconciler.Result syncIncrementally(SyncRequest request, Set<IpFamily> families)
            throws SyncException {
        List<IncrementalPlan.Delta> deltas = new ArrayList<>();
        Map<IpFamily, String> iptables = new EnumMap<>(IpFamily.class);
        for (IncrementalPlan p : plans) {
            deltas.add(p.update(request.snapshot(), request.changedServices()));
            iptables.put(p.family(), p.iptables());
            context.metrics().noLocalEndpoints("internal", p.family(), p.noLocalEndpointsInternal());
            context.metrics().noLocalEndpoints("external", p.family(), p.noLocalEndpointsExternal());
        }
        return reconciler.reconcilePartial(deltas, iptables, families);
    }

    /**
     * Whether a partial sync should first check that what Sluice wrote is still there: once per syncPeriod (the
     * periodic sync finds it due), so partial syncs in between stay proportional to the change.
     */
    private boolean presenceCheckDue() {
        Instant now = context.clock().instant();
        if (Duration.between(lastPresenceCheck, now).compareTo(context.config().syncPeriod()) < 0) {
            return false;
        }
        lastPresenceCheck = now;
        return true;
    }

    /**
     * The cheap presence check (one netlink dump of the virtual servers without their real servers, one address dump
     * of kube-ipvs0, {@code ipset list -n}): every virtual server, kube-ipvs0 address and kube-proxy ipset the last
     * sync left must still exist. Someone else deleting one (an {@code ipvsadm -C}, a deleted kube-ipvs0, an
     * {@code ipset destroy}) makes the sync full, which re-reads the kernel and writes everything again. Counts
     * {@code sluice_repairs_total{backend="ipvs",what}} per kind found. A check that cannot read the kernel counts as
     * drift of that kind: the full sync then reports the real error.
     */
    private boolean driftFound(IpvsKernel k, Set<IpFamily> families) {
        java.util.TreeMap<String, String> found = new java.util.TreeMap<>();
        try {
            Set<VirtualServer.Key> present = new java.util.HashSet<>();
            for (VirtualServer vs : k.ipvs().virtualServers()) {
                present.add(vs.key());
            }
            for (IncrementalPlan p : plans) {
                for (VirtualServer.Key key : p.virtualServerKeys()) {
                    if (!present.contains(key)) {
                        found.putIfAbsent("virtual-server", key.toString());
                        break;
                    }
                }
            }
        } catch (IpvsException | RuntimeException e) {
            found.put("virtual-server", "cannot list: " + e.getMessage());
        }
        try {
            Set<String> bound = k.link().addresses();
            for (IncrementalPlan p : plans) {
                for (String a : p.boundAddresses()) {
                    if (!bound.contains(a)) {
                        found.putIfAbsent("address", a + " on " + DummyLink.NAME);
                        break;
                    }
                }
            }
        } catch (IpvsException | RuntimeException e) {
            found.put("address", DummyLink.NAME + ": " + e.getMessage());
        }
        try {
            Set<String> sets = k.ipset().names();
            for (IpFamily f : families) {
                for (IpsetSpec spec : KubeIpsets.forFamily(f)) {
                    if (!sets.contains(spec.name())) {
                        found.putIfAbsent("ipset", spec.name());
                        break;
                    }
                }
            }
        } catch (IpsetException | RuntimeException e) {
            found.put("ipset", "cannot list: " + e.getMessage());
        }
        if (found.isEmpty()) {
            return false;
        }
        found.keySet().forEach(what -> context.metrics().repair(NAME, what));
        LOG.warn("IPVS state Sluice wrote was removed by someone else ({}); repairing with a full sync",
                found.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", ")));
        return true;
    }

    /** Plans every service; {@code readKernel} (or the reconciler after a failure) re-reads the kernel. */
    private IpvsReconciler.Result syncEverything(SyncRequest request, Set<IpFamily> families, HostFacts host,
                                                 boolean readKernel) throws SyncException {
        plans = null;
        List<IncrementalPlan> built = new ArrayList<>();
        List<DesiredIpvsState> desired = new ArrayList<>();
        for (IpFamily f : families) {
            IncrementalPlan p = IncrementalPlan.build(planner, request.snapshot(), f, host);
            DesiredIpvsState d = p.toDesired();
            built.add(p);
            desired.add(d);
            context.metrics().noLocalEndpoints("internal", f, d.noLocalEndpointsInternal());
            context.metrics().noLocalEndpoints("external", f, d.noLocalEndpointsExternal());
        }
        IpvsReconciler.Result r = reconciler.reconcile(desired, families, readKernel);
        if (r.fullResync()) {
            lastPresenceCheck = context.clock().instant(); // the kernel was just read and repaired
        }
        plans = built;
        return r;
    }

    private void initialize(IpvsKernel k) throws SyncException {
        try {
            IpvsSysctls.apply(k.sysctl(), context.config().ipvs().strictARP());
        } catch (IOException | RuntimeException e) {
            throw new SyncException("IPVS: cannot set sysctls: " + e.getMessage(), e);
        }
        var ipvsCfg = context.config().ipvs();
        int tcp = seconds(ipvsCfg.tcpTimeout());
        int fin = seconds(ipvsCfg.tcpFinTimeout());
        int udp = seconds(ipvsCfg.udpTimeout());
        if (tcp > 0 || fin > 0 || udp > 0) {
            try {
                k.ipvs().setTimeouts(tcp, fin, udp);
            } catch (IpvsException e) {
                // kube-proxy logs and carries on.
                LOG.error("IPVS: failed to configure timeouts: {}", e.getMessage());
                context.metrics().backendError(IpvsReconciler.BACKEND, "set-timeouts");
            }
        }
        if (context.assumptions().randomFully() == null) {
            // kube-proxy's IPVS proxier: MASQUERADE --random-fully only when iptables has it (HasRandomFully).
            Boolean rf = k.iptables().randomFully(IpFamily.IPv4);
            if (rf != null) {
                planner = new IpvsPlanner(context.config(), rf);
                plans = null;
            }
        }
        initialized = true;
    }

    private static int seconds(Duration d) {
        return d == null ? 0 : (int) Math.min(Integer.MAX_VALUE, d.toSeconds());
    }

    /**
     * Removes every virtual server outside excludeCIDRs (as kube-proxy's cleanup flushes IPVS), kube-ipvs0, the jump
     * rules, the IPVS-mode chains and kube-proxy's ipsets; nothing else. Idempotent. IPv6 iptables errors are only
     * logged (hosts without ip6tables).
     */
    @Override
    public void cleanup() throws SyncException {
        if (kernel != null) {
            cleanup(kernel);
            return;
        }
        IpvsKernel temporary;
        try {
            temporary = opener.openForCleanup();
        } catch (IpvsException e) {
            throw new SyncException("IPVS cleanup: " + e.getMessage(), e);
        }
        try {
            cleanup(temporary);
        } finally {
            close(temporary);
        }
    }

    private void cleanup(IpvsKernel k) throws SyncException {
        List<String> errors = new ArrayList<>();
        try {
            for (VirtualServer vs : k.ipvs().virtualServers()) {
                if (IpvsDiff.excluded(vs.address(), excludeCidrs)) {
                    continue;
                }
                try {
                    k.ipvs().deleteVirtualServer(vs.key());
                } catch (IpvsException e) {
                    errors.add(e.getMessage());
                }
            }
        } catch (IpvsException e) {
            errors.add(e.getMessage());
        }
        try {
            k.link().delete();
        } catch (IpvsException e) {
            errors.add(e.getMessage());
        }
        for (IpFamily f : IpFamily.values()) {
            try {
                k.jumps().deleteAll(f);
                k.iptables().restore(f, cleanupPayload());
            } catch (IptablesException e) {
                if (f == IpFamily.IPv4) {
                    errors.add(e.getMessage());
                } else {
                    LOG.warn("IPVS cleanup (IPv6 iptables): {}", e.getMessage());
                }
            }
        }
        // Sets can only be destroyed once no rule references them any more.
        try {
            StringBuilder destroy = new StringBuilder();
            for (String name : k.ipset().listAll().keySet()) {
                if (KubeIpsets.byKernelName(name).isPresent()) {
                    destroy.append("destroy ").append(name).append('\n');
                }
            }
            if (destroy.length() > 0) {
                k.ipset().restore(destroy.toString());
            }
        } catch (IpsetException e) {
            errors.add(e.getMessage());
        }
        reconciler = null;
        plans = null;
        if (!errors.isEmpty()) {
            throw new SyncException("IPVS cleanup: " + String.join("; ", errors));
        }
    }

    /** Declares (flushing) and deletes every IPVS-mode chain, per table, in one restore. */
    static String cleanupPayload() {
        StringBuilder sb = new StringBuilder();
        for (String table : List.of(IpvsChains.NAT, IpvsChains.FILTER)) {
            sb.append('*').append(table).append('\n');
            for (IpvsChains.TableChain c : IpvsChains.CHAINS) {
                if (c.table().equals(table)) {
                    sb.append(':').append(c.chain()).append(" - [0:0]\n");
                }
            }
            for (IpvsChains.TableChain c : IpvsChains.CHAINS) {
                if (c.table().equals(table)) {
                    sb.append("-X ").append(c.chain()).append('\n');
                }
            }
            sb.append("COMMIT\n");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (kernel != null) {
            close(kernel);
        }
    }

    private static void close(IpvsKernel k) {
        k.ipvs().close();
        if (k.link() instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", DummyLink.NAME, e.toString());
            }
        }
    }

    /**
     * kube-proxy's {@code CanUseIPVSProxier}: the kernel modules IPVS needs are loaded (or loadable) and the IPVS
     * generic-netlink family answers; otherwise one error naming what is missing, and {@code run} exits.
     */
    @Override
    public void checkHost() throws SyncException {
        String scheduler = context.config().ipvs().scheduler();
        List<String> missing = modules == null ? List.of() : modules.missing(scheduler);
        if (!missing.isEmpty()) {
            throw new SyncException("IPVS mode cannot run on this host: kernel modules " + missing
                    + " are neither loaded nor loadable (modprobe); load them or use mode iptables");
        }
        try {
            kernel();
        } catch (SyncException e) {
            throw new SyncException("IPVS mode cannot run on this host: " + e.getMessage(), e.getCause());
        }
    }

    private IpvsKernel kernel() throws SyncException {
        if (kernel == null) {
            try {
                kernel = opener.open();
            } catch (IpvsException e) {
                throw new SyncException("IPVS backend unavailable: " + e.getMessage(), e);
            }
        }
        if (reconciler == null) {
            reconciler = new IpvsReconciler(kernel.ipvs(), kernel.link(), kernel.ipset(), kernel.iptables(),
                    new GracefulTerminationManager(context.clock()), context.metrics(), excludeCidrs);
        }
        return kernel;
    }

    /** The families to program, as the shared node facts decide ({@link io.sluice.core.node.NodeFacts#families}). */
    private Set<IpFamily> families(ProxySnapshot snapshot) {
        return EnumSet.copyOf(context.nodeFacts().families(context.config(), snapshot));
    }
}
