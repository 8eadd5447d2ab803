package io.sluice.ipvs;

import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.NodeInfo;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the planner needs to know about the host.
 *
 * @param localAddresses canonical addresses of every interface except {@code kube-ipvs0}, without loopback and IPv6
 *                       link-local addresses (kube-proxy's {@code GetAllLocalAddressesExcept(kube-ipvs0)}). They are
 *                       the NodePort VIPs (when nodePortAddresses matches all) and external/LB IPs found here are not
 *                       bound to kube-ipvs0.
 */
public record HostFacts(SortedSet<String> localAddresses) {
    public HostFacts {
        localAddresses = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(localAddresses));
    }

    public static HostFacts of(Set<String> addresses) {
        return new HostFacts(new TreeSet<>(addresses));
    }

    /** For dumps, which never read the machine: the Node's own addresses stand in for the local ones. */
    public static HostFacts fromNode(NodeInfo node) {
        TreeSet<String> s = new TreeSet<>();
        for (String a : node.addresses()) {
            if (!IpAddresses.isLoopback(a)) {
                s.add(a);
            }
        }
        return new HostFacts(s);
    }
}
