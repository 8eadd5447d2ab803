package io.sluice.ipvs;

import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.backend.SyncException;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.ipvs.DesiredIpvsState.DesiredIpset;
import io.sluice.ipvs.ipset.Ipset;
import io.sluice.ipvs.ipset.IpsetException;
import io.sluice.ipvs.ipset.KubeIpsets;
import io.sluice.ipvs.rules.IptablesException;
import io.sluice.ipvs.rules.IptablesRestore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Brings the kernel to a {@link DesiredIpvsState} by applying only the difference ({@link IpvsDiff}) to what it
 * observed: read from the kernel on a full resync (the first sync, after any error, or when asked), otherwise the
 * state left by the previous sync's successful operations. {@link #reconcilePartial} applies only the changes an
 * {@link IncrementalPlan} reported, against that same trusted state.
 *
 * <p>Failure handling: a refused IPVS or link operation is logged with the operation and its object, counted as
 * {@code sluice_backend_errors_total{backend="ipvs",operation}}, and does not stop the other operations (the real
 * servers of a virtual server that could not be added are skipped). A failed {@code ipset restore} or
 * {@code iptables-restore} also skips the unbinds and stale-virtual-server deletions, as kube-proxy returns early
 * there, and makes {@link #reconcile} throw after the other operations ran. Any failure makes the next sync a full
 * resync. Not thread-safe: the sync thread owns it.
 */
public final class IpvsReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(IpvsReconciler.class);
    static final String BACKEND = "ipvs";

    private final IpvsClient ipvs;
    private final DummyLink link;
    private final Ipset ipset;
    private final IptablesRestore iptables;
    private final GracefulTerminationManager graceful;
    private final BackendMetrics metrics;
    private final List<Cidr> excludeCidrs;
    private ObservedState state;
    private boolean needResync = true;

    /** What one reconcile did. */
    public record Result(List<IpvsOperation> operations, int failures, boolean fullResync) {
        public Result {
            operations = List.copyOf(operations);
        }
    }

    public IpvsReconciler(IpvsClient ipvs, DummyLink link, Ipset ipset, IptablesRestore iptables,
                          GracefulTerminationManager graceful, BackendMetrics metrics, List<Cidr> excludeCidrs) {
        this.ipvs = ipvs;
        this.link = link;
        this.ipset = ipset;
        this.iptables = iptables;
        this.graceful = graceful;
        this.metrics = metrics;
        this.excludeCidrs = List.copyOf(excludeCidrs);
    }

    /** True until a sync succeeded completely; then false until the next failure. */
    public boolean needsResync() {
        return needResync;
    }

    /** The operations a sync would apply to an empty kernel (what dumps print). Pure. */
    public static List<IpvsOperation> fromEmpty(List<DesiredIpvsState> desired, Set<IpFamily> families) {
        return IpvsDiff.diff(desired, ObservedState.empty(), families, List.of(), (vs, rs) -> false);
    }

    /**
     * Applies the difference between {@code desired} (one state per managed family) and the kernel.
     *
     * @param readKernel re-read the kernel's IPVS, kube-ipvs0 and ipset state first (also done automatically after
     *                   a failure and on the first call)
     * @throws SyncException when the kernel state cannot be read, or an ipset/iptables restore failed
     */
    public Result reconcile(List<DesiredIpvsState> desired, Set<IpFamily> families, boolean readKernel)
            throws SyncException {
        boolean full = readKernel || needResync || state == null;
        if (full) {
            state = readKernel(families);
        }
        List<IpvsOperation> ops = IpvsDiff.diff(desired, state, families, excludeCidrs, graceful::isQueued);
        return run(ops, () -> {
            for (DesiredIpvsState d : desired) {
                for (DesiredIpset s : d.ipsets()) {
                    state.ipsets.put(s.spec().name(), new TreeSet<>(s.entries()));
                }
            }
        }, full);
    }

    /** Whether {@link #reconcilePartial} may be used: the last sync succeeded completely. */
    public boolean canReconcilePartially() {
        return !needResync && state != null;
    }

    /**
     * Applies only what changed since the last successful sync, trusting the state it left (nothing is read from
     * the kernel except, through graceful termination, the real servers of a virtual server losing one): the
     * virtual servers and addresses named in the deltas, the ipset entries that flipped, and each family's
     * iptables payload when it differs from the last one restored.
     *
     * @throws SyncException when an ipset/iptables restore failed
     */
    Result reconcilePartial(List<IncrementalPlan.Delta> deltas, Map<IpFamily, String> iptablesPayloads,
                            Set<IpFamily> families) throws SyncException {
        if (!canReconcilePartially()) {
            throw new IllegalStateException("partial reconcile needs a successful previous sync");
        }
        List<IpvsOperation> ops = IpvsDiff.diffPartial(deltas, iptablesPayloads, state, families, excludeCidrs,
                graceful::isQueued);
        return run(ops, () -> {
            for (IncrementalPlan.Delta d : deltas) {
                d.ipsetAdds().forEach((set, es) -> state.ipsets.computeIfAbsent(set, x -> new TreeSet<>()).addAll(es));
                d.ipsetDels().forEach((set, es) -> {
                    SortedSet<String> have = state.ipsets.get(set);
                    if (have != null) {
                        have.removeAll(es);
                    }
                });
            }
        }, false);
    }

    private Result run(List<IpvsOperation> ops, Runnable ipsetsRestored, boolean full) throws SyncException {
        Set<VirtualServer.Key> failedVs = new HashSet<>();
        int failures = 0;
        boolean restoreFailed = false;
        List<String> restoreErrors = new ArrayList<>();
        for (IpvsOperation op : ops) {
            if (restoreFailed && (op instanceof IpvsOperation.UnbindAddress
                    || op instanceof IpvsOperation.DeleteVirtualServer)) {
                continue;
            }
            try {
                apply(op, ipsetsRestored, failedVs);
            } catch (IpvsException e) {
                failures++;
                failed(op.op(), op.describe(), e.getMessage());
                if (op instanceof IpvsOperation.AddVirtualServer a) {
                    failedVs.add(a.vs().key());
                }
            } catch (IpsetException | IptablesException e) {
                failures++;
                restoreFailed = true;
                restoreErrors.add(e.getMessage());
                failed(op.op(), op.describe(), e.getMessage());
                if (op instanceof IpvsOperation.RestoreIptables r) {
                    metrics.restoreFailure(r.family());
                }
            }
        }
        int[] queueFailures = {0};
        graceful.checkQueue(ipvs, new GracefulTerminationManager.Listener() {
            @Override
            public void deleted(VirtualServer.Key vs, RealServer rs) {
                state.realServersOf(vs).remove(ObservedState.rsKey(rs));
                LOG.info("Deleted drained real server {} -> {}", vs, rs);
            }

            @Override
            public void failed(String op, String object, IpvsException e) {
                queueFailures[0]++;
                IpvsReconciler.this.failed(op, object, e.getMessage());
            }
        });
        failures += queueFailures[0];
        needResync = failures > 0;
        if (restoreFailed) {
            throw new SyncException("IPVS sync: " + String.join("; ", restoreErrors));
        }
        return new Result(ops, failures, full);
    }

    private void failed(String op, String object, String message) {
        LOG.error("IPVS sync: {} failed: {}", object, message);
        metrics.backendError(BACKEND, op);
    }

    private void apply(IpvsOperation op, Runnable ipsetsRestored, Set<VirtualServer.Key> failedVs)
            throws IpvsException, IpsetException, IptablesException {
        if (op instanceof IpvsOperation.EnsureDummyLink e) {
            link.ensureExists();
            state.linkExists = true;
        } else if (op instanceof IpvsOperation.AddVirtualServer a) {
            ipvs.addVirtualServer(a.vs());
            state.virtualServers.put(a.vs().key(), a.vs());
            state.realServersOf(a.vs().key());
        } else if (op instanceof IpvsOperation.UpdateVirtualServer u) {
            ipvs.updateVirtualServer(u.vs());
            state.virtualServers.put(u.vs().key(), u.vs());
        } else if (op instanceof IpvsOperation.AddRealServer a) {
            if (failedVs.contains(a.vs())) {
                return;
            }
            ipvs.addRealServer(a.vs(), a.rs());
            state.realServersOf(a.vs()).put(ObservedState.rsKey(a.rs()), a.rs());
        } else if (op instanceof IpvsOperation.UpdateRealServer u) {
            ipvs.updateRealServer(u.vs(), u.rs());
            graceful.cancel(u.vs(), u.rs());
            state.realServersOf(u.vs()).put(ObservedState.rsKey(u.rs()), u.rs());
        } else if (op instanceof IpvsOperation.RemoveRealServer r) {
            GracefulTerminationManager.Outcome o = graceful.remove(ipvs, r.vs(), r.rs());
            if (o == GracefulTerminationManager.Outcome.DRAINING) {
                state.realServersOf(r.vs()).put(ObservedState.rsKey(r.rs()), r.rs().withWeight(0));
            } else {
                state.realServersOf(r.vs()).remove(ObservedState.rsKey(r.rs()));
            }
        } else if (op instanceof IpvsOperation.BindAddress b) {
            link.bind(b.address());
            state.bound.add(b.address());
        } else if (op instanceof IpvsOperation.UnbindAddress u) {
            link.unbind(u.address());
            state.bound.remove(u.address());
        } else if (op instanceof IpvsOperation.RestoreIpsets r) {
            try {
                ipset.restore(r.payload());
            } finally {
                // On failure part of the payload may have been applied: the next sync re-reads the kernel.
                ipsetsRestored.run();
            }
        } else if (op instanceof IpvsOperation.RestoreIptables r) {
            state.iptables.remove(r.family());
            iptables.restore(r.family(), r.payload());
            state.iptables.put(r.family(), r.payload());
        } else if (op instanceof IpvsOperation.DeleteVirtualServer d) {
            ipvs.deleteVirtualServer(d.vs().key());
            state.virtualServers.remove(d.vs().key());
            state.realServers.remove(d.vs().key());
            graceful.forget(d.vs().key());
        }
    }

    /**
     * Reads virtual servers (HASHED flag stripped) and, for the managed families, their real servers; the addresses
     * on kube-ipvs0; and the entries of our ipsets. The iptables
     * rules are not read back; instead every full resync restores them again (as kube-proxy does on every sync), which
     * also repairs chains someone else flushed. Partial syncs restore them only when the payload changed.
     */
    private ObservedState readKernel(Set<IpFamily> families) throws SyncException {
        ObservedState s = ObservedState.empty();
        // The link's existence is not observable through DummyLink (a missing link may list no addresses), so every
        // full resync ensures it again, as kube-proxy's EnsureDummyDevice does on every sync. Idempotent.
        s.linkExists = false;
        try {
            s.bound.addAll(link.addresses());
        } catch (IpvsException e) {
            LOG.info("{} not readable, will (re)create it: {}", DummyLink.NAME, e.getMessage());
        }
        try {
            for (VirtualServer vs : ipvs.virtualServers()) {
                VirtualServer clean = new VirtualServer(vs.address(), vs.protocol(), vs.port(), vs.scheduler(),
                        vs.flags() & ~VirtualServer.FLAG_HASHED, vs.timeout());
                s.virtualServers.put(clean.key(), clean);
                if (families.contains(clean.family())) {
                    TreeMap<String, RealServer> rss = s.realServersOf(clean.key());
                    for (RealServer rs : ipvs.realServers(clean.key())) {
                        rss.put(ObservedState.rsKey(rs), rs);
                    }
                }
            }
        } catch (IpvsException e) {
            metrics.backendError(BACKEND, e.operation());
            throw new SyncException("IPVS sync: reading the kernel state failed: " + e.getMessage(), e);
        }
        try {
            for (Map.Entry<String, SortedSet<String>> e : ipset.listAll().entrySet()) {
                if (KubeIpsets.byKernelName(e.getKey()).isPresent()) {
                    s.ipsets.put(e.getKey(), new TreeSet<>(e.getValue()));
                }
            }
        } catch (IpsetException e) {
            metrics.backendError(BACKEND, "ipset-list");
            throw new SyncException("IPVS sync: listing ipsets failed: " + e.getMessage(), e);
        }
        return s;
    }
}
