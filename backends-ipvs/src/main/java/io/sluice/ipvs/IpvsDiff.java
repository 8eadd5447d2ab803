package io.sluice.ipvs;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import io.sluice.ipvs.DesiredIpvsState.DesiredIpset;
import io.sluice.ipvs.DesiredIpvsState.DesiredVirtualServer;
import io.sluice.ipvs.ipset.IpsetEntries;

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
            VirtualServer vs = e.getValue().virtualServer();
            VirtualServer have = actual.virtualServers.get(e.getKey());
            if (have == null) {
                ops.add(new IpvsOperation.AddVirtualServer(vs));
            } else if (!sameSettings(have, vs)) {
                ops.add(new IpvsOperation.UpdateVirtualServer(vs));
            }
            Map<String, RealServer> haveRs = have == null ? Map.of() : actual.realServers.getOrDefault(e.getKey(),
                    new TreeMap<>());
            Set<String> wantedRs = new TreeSet<>();
            for (RealServer rs : e.getValue().realServers()) {
                String k = ObservedState.rsKey(rs);
                wantedRs.add(k);
                RealServer cur = haveRs.get(k);
                if (cur == null) {
                    ops.add(new IpvsOperation.AddRealServer(e.getKey(), rs));
                } else if (cur.weight() != rs.weight()) {
                    ops.add(new IpvsOperation.UpdateRealServer(e.getKey(), rs));
                }
            }
            for (Map.Entry<String, RealServer> h : haveRs.entrySet()) {
                if (!wantedRs.contains(h.getKey()) && !draining.test(e.getKey(), h.getValue())) {
                    ops.add(new IpvsOperation.RemoveRealServer(e.getKey(), h.getValue()));
                }
            }
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
