package io.sluice.ipvs;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.ipvs.DesiredIpvsState.DesiredIpset;
import io.sluice.ipvs.DesiredIpvsState.DesiredVirtualServer;
import io.sluice.ipvs.ipset.IpsetEntries;
import io.sluice.ipvs.ipset.IpsetSpec;
import io.sluice.ipvs.ipset.KubeIpsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Pure diff of desired against observed state, as an ordered operation list (kube-proxy's sync order): the dummy
 * link; per virtual server (sorted) its add/update and its real-server adds, re-weights and removals; address binds;
 * one ipset restore; one iptables restore per family; unbinds of addresses no longer wanted; deletion of stale
 * virtual servers (our families, outside excludeCIDRs). Equal inputs give equal lists.
 */
final class IpvsDiff {
    private IpvsDiff() {
    }

    /**
     * @param draining true for a real server already weighted 0 and queued for deletion: not removed again
     */
    static List<IpvsOperation> diff(List<DesiredIpvsState> desired, ObservedState actual, Set<IpFamily> families,
                                    List<Cidr> excludeCidrs, BiPredicate<VirtualServer.Key, RealServer> draining) {
        List<IpvsOperation> ops = new ArrayList<>();
        if (!actual.linkExists) {
            ops.add(new IpvsOperation.EnsureDummyLink());
        }
        TreeMap<VirtualServer.Key, DesiredVirtualServer> wanted = new TreeMap<>();
        TreeSet<String> bind = new TreeSet<>();
        for (DesiredIpvsState d : desired) {
            wanted.putAll(d.virtualServers());
            bind.addAll(d.bindAddresses());
        }

        for (Map.Entry<VirtualServer.Key, DesiredVirtualServer> e : wanted.entrySet()) {
            virtualServer(e.getKey(), e.getValue(), actual, draining, ops);
        }

        for (String a : bind) {
            if (!actual.bound.contains(a)) {
                ops.add(new IpvsOperation.BindAddress(a));
            }
        }

        String ipsetPayload = ipsetPayload(desired, actual);
        if (!ipsetPayload.isEmpty()) {
            ops.add(new IpvsOperation.RestoreIpsets(ipsetPayload));
        }
        for (DesiredIpvsState d : desired) {
            if (!d.iptables().equals(actual.iptables.get(d.family()))) {
                ops.add(new IpvsOperation.RestoreIptables(d.family(), d.iptables()));
            }
        }

        for (String a : actual.bound) {
            if (!bind.contains(a) && families.contains(IpFamily.of(a))) {
                ops.add(new IpvsOperation.UnbindAddress(a));
            }
        }
        for (Map.Entry<VirtualServer.Key, VirtualServer> h : actual.virtualServers.entrySet()) {
            VirtualServer vs = h.getValue();
            if (!wanted.containsKey(h.getKey()) && families.contains(vs.family())
                    && !excluded(vs.address(), excludeCidrs)) {
                ops.add(new IpvsOperation.DeleteVirtualServer(vs));
            }
        }
        return List.copyOf(ops);
    }

    /**
     * The operations for a partial sync, in the same order as {@link #diff}, limited to what the deltas name: their
     * virtual servers (added, updated, real servers diffed, or deleted when no longer wanted), their addresses, the
     * ipset entries that flipped (an {@code add} only when the observed set lacks it, a {@code del} only when it has
     * it) and each family's iptables payload when it differs from the last one restored.
     */
    static List<IpvsOperation> diffPartial(List<IncrementalPlan.Delta> deltas, Map<IpFamily, String> iptables,
                                           ObservedState actual, Set<IpFamily> families, List<Cidr> excludeCidrs,
                                           BiPredicate<VirtualServer.Key, RealServer> draining) {
        List<IpvsOperation> ops = new ArrayList<>();
        if (!actual.linkExists) {
            ops.add(new IpvsOperation.EnsureDummyLink());
        }
        TreeMap<VirtualServer.Key, DesiredVirtualServer> changed = new TreeMap<>();
        TreeMap<String, Boolean> bind = new TreeMap<>();
        for (IncrementalPlan.Delta d : deltas) {
            changed.putAll(d.virtualServers());
            bind.putAll(d.bind());
        }
        for (Map.Entry<VirtualServer.Key, DesiredVirtualServer> e : changed.entrySet()) {
            if (e.getValue() != null) {
                virtualServer(e.getKey(), e.getValue(), actual, draining, ops);
            }
        }
        for (Map.Entry<String, Boolean> b : bind.entrySet()) {
            if (b.getValue() && !actual.bound.contains(b.getKey())) {
                ops.add(new IpvsOperation.BindAddress(b.getKey()));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (IncrementalPlan.Delta d : deltas) {
            IpFamily f = d.family();
            for (IpsetSpec spec : KubeIpsets.forFamily(f)) {
                String name = spec.name();
                Set<String> adds = d.ipsetAdds().getOrDefault(name, Set.of());
                Set<String> dels = d.ipsetDels().getOrDefault(name, Set.of());
                SortedSet<String> have = actual.ipsets.get(name);
                if (have == null) {
                    sb.append(spec.createLine()).append('\n');
                    have = new TreeSet<>();
                }
                for (String en : new TreeSet<>(adds)) {
                    if (!have.contains(en) && IpsetEntries.isValid(spec.type(), f, en)) {
                        sb.append("add ").append(name).append(' ').append(en).append('\n');
                    }
                }
                for (String en : new TreeSet<>(dels)) {
                    if (have.contains(en) && IpsetEntries.isValid(spec.type(), f, en)) {
                        sb.append("del ").append(name).append(' ').append(en).append('\n');
                    }
                }
            }
        }
        if (sb.length() > 0) {
            ops.add(new IpvsOperation.RestoreIpsets(sb.toString()));
        }
        for (Map.Entry<IpFamily, String> e : new TreeMap<>(iptables).entrySet()) {
            if (!e.getValue().equals(actual.iptables.get(e.getKey()))) {
                ops.add(new IpvsOperation.RestoreIptables(e.getKey(), e.getValue()));
            }
        }
        for (Map.Entry<String, Boolean> b : bind.entrySet()) {
            if (!b.getValue() && actual.bound.contains(b.getKey()) && families.contains(IpFamily.of(b.getKey()))) {
                ops.add(new IpvsOperation.UnbindAddress(b.getKey()));
            }
        }
        for (Map.Entry<VirtualServer.Key, DesiredVirtualServer> e : changed.entrySet()) {
            VirtualServer vs = actual.virtualServers.get(e.getKey());
            if (e.getValue() == null && vs != null && families.contains(vs.family())
                    && !excluded(vs.address(), excludeCidrs)) {
                ops.add(new IpvsOperation.DeleteVirtualServer(vs));
            }
        }
        return List.copyOf(ops);
    }

    /** Add/update of one wanted virtual server and the diff of its real servers. */
    private static void virtualServer(VirtualServer.Key key, DesiredVirtualServer want, ObservedState actual,
                                      BiPredicate<VirtualServer.Key, RealServer> draining, List<IpvsOperation> ops) {
        VirtualServer vs = want.virtualServer();
        VirtualServer have = actual.virtualServers.get(key);
        if (have == null) {
            ops.add(new IpvsOperation.AddVirtualServer(vs));
        } else if (!sameSettings(have, vs)) {
            ops.add(new IpvsOperation.UpdateVirtualServer(vs));
        }
        Map<String, RealServer> haveRs = have == null ? Map.of() : actual.realServers.getOrDefault(key,
                new TreeMap<>());
        Set<String> wantedRs = new TreeSet<>();
        for (RealServer rs : want.realServers()) {
            String k = ObservedState.rsKey(rs);
            wantedRs.add(k);
            RealServer cur = haveRs.get(k);
            if (cur == null) {
                ops.add(new IpvsOperation.AddRealServer(key, rs));
            } else if (cur.weight() != rs.weight()) {
                ops.add(new IpvsOperation.UpdateRealServer(key, rs));
            }
        }
        for (Map.Entry<String, RealServer> h : haveRs.entrySet()) {
            if (!wantedRs.contains(h.getKey()) && !draining.test(key, h.getValue())) {
                ops.add(new IpvsOperation.RemoveRealServer(key, h.getValue()));
            }
        }
    }

    /** Scheduler, flags (without the kernel's HASHED bit) and persistence timeout. */
    static boolean sameSettings(VirtualServer a, VirtualServer b) {
        return a.scheduler().equals(b.scheduler())
                && (a.flags() & ~VirtualServer.FLAG_HASHED) == (b.flags() & ~VirtualServer.FLAG_HASHED)
                && a.timeout() == b.timeout();
    }

    static boolean excluded(String address, List<Cidr> excludeCidrs) {
        for (Cidr c : excludeCidrs) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One {@code ipset restore} payload: per set (upstream order, IPv4 sets first), {@code create} when the set is
     * missing, then {@code add} for missing entries and {@code del} for extra ones, each sorted. Every entry is
     * re-validated; an invalid one is never written.
     */
    static String ipsetPayload(List<DesiredIpvsState> desired, ObservedState actual) {
        StringBuilder sb = new StringBuilder();
        for (DesiredIpvsState d : desired) {
            for (DesiredIpset s : d.ipsets()) {
                String name = s.spec().name();
                SortedSet<String> have = actual.ipsets.get(name);
                if (have == null) {
                    sb.append(s.spec().createLine()).append('\n');
                    have = new TreeSet<>();
                }
                for (String en : s.entries()) {
                    if (!have.contains(en) && IpsetEntries.isValid(s.spec().type(), d.family(), en)) {
                        sb.append("add ").append(name).append(' ').append(en).append('\n');
                    }
                }
                for (String en : have) {
                    if (!s.entries().contains(en) && IpsetEntries.isValid(s.spec().type(), d.family(), en)) {
                        sb.append("del ").append(name).append(' ').append(en).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }
}
