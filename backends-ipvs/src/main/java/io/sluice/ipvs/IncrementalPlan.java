package io.sluice.ipvs;

import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.ipvs.DesiredIpvsState.DesiredVirtualServer;
import io.sluice.ipvs.IpvsPlanner.Contribution;
import io.sluice.ipvs.ipset.IpsetEntries;
import io.sluice.ipvs.ipset.IpsetSpec;
import io.sluice.ipvs.ipset.KubeIpsets;
import io.sluice.ipvs.rules.IpvsRulesInput;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The desired state of one family kept as memoised per-service-port {@link Contribution}s plus reference-counted
 * aggregates, so that a partial sync re-plans only the changed services and learns exactly which virtual servers,
 * addresses and ipset entries changed, at a cost proportional to the change (not to the cluster).
 *
 * <p>Aggregation follows {@link IpvsPlanner#assemble}: a virtual server key claimed by several service ports belongs
 * to the first in {@link ServicePortName} order; an address or ipset entry is wanted while any service port
 * contributes it; {@code KUBE-IPVS-IPS} holds the bound addresses. {@link #toDesired()} equals
 * {@link IpvsPlanner#plan} of the same snapshot. Not thread-safe: the sync thread owns it.
 */
final class IncrementalPlan {
    private final IpvsPlanner planner;
    private final IpFamily family;
    private IpvsPlanner.Scope scope;
    private final TreeMap<ServicePortName, Contribution> contributions = new TreeMap<>();
    /** Every claimant of a virtual server key, in service port order; the first one wins. */
    private final HashMap<VirtualServer.Key, TreeMap<ServicePortName, DesiredVirtualServer>> claims = new HashMap<>();
    private final HashMap<String, Integer> bindCount = new HashMap<>();
    /** ipset base name -> entry -> number of service ports contributing it (KUBE-IPVS-IPS excluded). */
    private final HashMap<String, HashMap<String, Integer>> entryCount = new HashMap<>();
    private final TreeMap<ServicePortName, List<IpvsRulesInput.LbNoNodeAccess>> noNodeAccess = new TreeMap<>();
    private final HashMap<NamespacedName, Integer> noLocalInternal = new HashMap<>();
    private final HashMap<NamespacedName, Integer> noLocalExternal = new HashMap<>();

    /**
     * What one {@link #update} changed.
     *
     * @param virtualServers changed keys with their new desired value, or null when no longer wanted
     * @param bind           changed addresses: true when now wanted on kube-ipvs0, false when no longer
     * @param ipsetAdds      kernel set name to entries that became wanted (sets in upstream order)
     * @param ipsetDels      kernel set name to entries no longer wanted
     */
    record Delta(IpFamily family, SortedMap<VirtualServer.Key, DesiredVirtualServer> virtualServers, SortedMap<String, Boolean> bind,
                 Map<String, Set<String>> ipsetAdds, Map<String, Set<String>> ipsetDels) {
    }

    private IncrementalPlan(IpvsPlanner planner, IpFamily family, IpvsPlanner.Scope scope) {
        this.planner = planner;
        this.family = family;
        this.scope = scope;
    }

    /** Plans every service port of {@code snapshot}. */
    static IncrementalPlan build(IpvsPlanner planner, ProxySnapshot snapshot, IpFamily family, HostFacts host) {
        IncrementalPlan p = new IncrementalPlan(planner, family, planner.scope(snapshot, family, host));
        for (Map.Entry<ServicePortName, ServicePort> e : snapshot.services().entrySet()) {
            Contribution c = planner.contribute(e.getKey(), e.getValue(), snapshot, p.scope);
            if (c != null) {
                p.apply(e.getKey(), c, null);
            }
        }
        return p;
    }

    IpFamily family() {
        return family;
    }

    /** Whether {@code update} may be used: same family, host facts and node as when built. */
    boolean sameScope(ProxySnapshot snapshot, HostFacts host) {
        return scope.equals(planner.scope(snapshot, family, host));
    }

    /** The managed family. */
    IpFamily familyOf() {
        return family;
    }

    /** Every virtual server key this plan wants (a read-only view; for the presence check). */
    Set<VirtualServer.Key> virtualServerKeys() {
        return java.util.Collections.unmodifiableSet(claims.keySet());
    }

    /** Every address this plan binds to kube-ipvs0 (a read-only view; for the presence check). */
    Set<String> boundAddresses() {
        return java.util.Collections.unmodifiableSet(bindCount.keySet());
    }

    /** The full desired state (cost proportional to the cluster: for full syncs and tests). */
    DesiredIpvsState toDesired() {
        return planner.assemble(family, contributions.values(), scope.localDetector());
    }

    /**
     * Re-plans the service ports of {@code changed} services (present in {@code snapshot} or only in the previous
     * one) and returns what changed. Cost: the changed service ports and the keys, addresses and entries they touch.
     */
    Delta update(ProxySnapshot snapshot, Set<NamespacedName> changed) {
        Delta d = new Delta(family, new TreeMap<>(), new TreeMap<>(), new HashMap<>(), new HashMap<>());
        for (NamespacedName svc : changed) {
            Set<ServicePortName> names = new TreeSet<>(portsOf(contributions, svc).keySet());
            names.addAll(portsOf(snapshot.services(), svc).keySet());
            for (ServicePortName n : names) {
                ServicePort sp = snapshot.services().get(n);
                Contribution c = sp == null ? null : planner.contribute(n, sp, snapshot, scope);
                apply(n, c, d);
            }
        }
        return d;
    }

    int noLocalEndpointsInternal() {
        return noLocalInternal.size();
    }

    int noLocalEndpointsExternal() {
        return noLocalExternal.size();
    }

    /** The iptables payload for the current aggregate (cheap: the non-empty sets and the LB no-node-access rules). */
    String iptables() {
        Set<String> nonEmpty = new HashSet<>();
        entryCount.forEach((set, m) -> {
            if (!m.isEmpty()) {
                nonEmpty.add(set);
            }
        });
        if (!bindCount.isEmpty()) {
            nonEmpty.add(KubeIpsets.IPVS_IPS);
        }
        List<IpvsRulesInput.LbNoNodeAccess> lb = new ArrayList<>();
        noNodeAccess.values().forEach(lb::addAll);
        return planner.iptables(family, nonEmpty, lb, scope.localDetector());
    }

    private static <V> SortedMap<ServicePortName, V> portsOf(SortedMap<ServicePortName, V> map, NamespacedName svc) {
        // Ports of a service sort between "ns/name" (no port name) and "ns/name:<max>"; other services whose
        // name extends this one may sort in between and are filtered out by the caller's lookups.
        ServicePortName lo = new ServicePortName(svc, "", Protocol.values()[0]);
        ServicePortName hi = new ServicePortName(svc, "\uffff\uffff", Protocol.values()[0]);
        TreeMap<ServicePortName, V> out = new TreeMap<>();
        for (Map.Entry<ServicePortName, V> e : map.subMap(lo, hi).entrySet()) {
            if (e.getKey().service().equals(svc)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Replaces the contribution of {@code name} by {@code next} (null: removed), recording changes in {@code d}. */
    private void apply(ServicePortName name, Contribution next, Delta d) {
        Contribution prev = next == null ? contributions.remove(name) : contributions.put(name, next);
        if (prev == null && next == null) {
            return;
        }
        // Virtual servers: every key either version claims is re-examined against the observed state.
        if (prev != null) {
            for (DesiredVirtualServer v : prev.virtualServers()) {
                unclaim(v.virtualServer().key(), name);
            }
            prev.bind().forEach(a -> count(bindCount, a, -1, d));
            prev.entries().forEach((set, es) -> es.forEach(e -> countEntry(set, e, -1, d)));
            noNodeAccess.remove(name);
            if (prev.noLocalInternal()) {
                count(noLocalInternal, name.service(), -1);
            }
            if (prev.noLocalExternal()) {
                count(noLocalExternal, name.service(), -1);
            }
        }
        if (next != null) {
            for (DesiredVirtualServer v : next.virtualServers()) {
                claims.computeIfAbsent(v.virtualServer().key(), x -> new TreeMap<>()).put(name, v);
            }
            next.bind().forEach(a -> count(bindCount, a, +1, d));
            next.entries().forEach((set, es) -> es.forEach(e -> countEntry(set, e, +1, d)));
            if (!next.noNodeAccess().isEmpty()) {
                noNodeAccess.put(name, next.noNodeAccess());
            }
            if (next.noLocalInternal()) {
                count(noLocalInternal, name.service(), +1);
            }
            if (next.noLocalExternal()) {
                count(noLocalExternal, name.service(), +1);
            }
        }
        if (d != null) {
            for (Contribution c : java.util.Arrays.asList(prev, next)) {
                if (c != null) {
                    for (DesiredVirtualServer v : c.virtualServers()) {
                        d.virtualServers().put(v.virtualServer().key(), winner(v.virtualServer().key()));
                    }
                }
            }
        }
    }

    private DesiredVirtualServer winner(VirtualServer.Key k) {
        TreeMap<ServicePortName, DesiredVirtualServer> c = claims.get(k);
        return c == null || c.isEmpty() ? null : c.firstEntry().getValue();
    }

    private void unclaim(VirtualServer.Key k, ServicePortName name) {
        TreeMap<ServicePortName, DesiredVirtualServer> c = claims.get(k);
        if (c != null) {
            c.remove(name);
            if (c.isEmpty()) {
                claims.remove(k);
            }
        }
    }

    private void count(HashMap<String, Integer> m, String key, int delta, Delta d) {
        int before = m.getOrDefault(key, 0);
        int after = before + delta;
        if (after == 0) {
            m.remove(key);
        } else {
            m.put(key, after);
        }
        if (d != null && (before == 0) != (after == 0)) {
            boolean wanted = after > 0;
            d.bind().put(key, wanted);
            // KUBE-IPVS-IPS follows the bind addresses.
            entryChanged(KubeIpsets.IPVS_IPS, IpsetEntries.ip(key), wanted, d);
        }
    }

    private static void count(HashMap<NamespacedName, Integer> m, NamespacedName key, int delta) {
        int after = m.getOrDefault(key, 0) + delta;
        if (after == 0) {
            m.remove(key);
        } else {
            m.put(key, after);
        }
    }

    private void countEntry(String set, String entry, int delta, Delta d) {
        HashMap<String, Integer> m = entryCount.computeIfAbsent(set, x -> new HashMap<>());
        int before = m.getOrDefault(entry, 0);
        int after = before + delta;
        if (after == 0) {
            m.remove(entry);
        } else {
            m.put(entry, after);
        }
        if (d != null && (before == 0) != (after == 0)) {
            entryChanged(set, entry, after > 0, d);
        }
    }

    /** Records an entry flip; an add then del (or del then add) within one update cancels out. */
    private void entryChanged(String baseName, String entry, boolean wanted, Delta d) {
        IpsetSpec spec = KubeIpsets.spec(baseName, family);
        String name = spec.name();
        Set<String> adds = d.ipsetAdds().computeIfAbsent(name, x -> new HashSet<>());
        Set<String> dels = d.ipsetDels().computeIfAbsent(name, x -> new HashSet<>());
        if (wanted) {
            if (!dels.remove(entry)) {
                adds.add(entry);
            }
        } else {
            if (!adds.remove(entry)) {
                dels.add(entry);
            }
        }
    }
}
