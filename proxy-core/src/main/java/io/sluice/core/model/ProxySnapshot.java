package io.sluice.core.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The complete desired state at one instant: every service port, its endpoints and the node.
 *
 * <p>Immutable and sorted: maps iterate in {@link ServicePortName} order and each endpoint list is sorted by
 * {@link Endpoint#ipPort()} as a plain string (kube-proxy's order, which decides the probability ladder). Safe to
 * share between threads; building a new snapshot never mutates an old one.
 *
 * @param serviceCIDRs the cluster's service CIDRs, the union of the {@code networking.k8s.io/v1} ServiceCIDR objects'
 *                     {@code spec.cidrs} (canonical, sorted; empty when none are known). nftables mode drops traffic
 *                     to unallocated addresses inside them, as kube-proxy's {@code cluster-ips-check} does.
 */
public record ProxySnapshot(
        SortedMap<ServicePortName, ServicePort> services,
        SortedMap<ServicePortName, List<Endpoint>> endpoints,
        NodeInfo node,
        List<String> serviceCIDRs) {

    public ProxySnapshot {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        for (Map.Entry<ServicePortName, List<Endpoint>> e : endpoints.entrySet()) {
            eps.put(e.getKey(), List.copyOf(e.getValue()));
        }
        endpoints = Collections.unmodifiableSortedMap(eps);
        Objects.requireNonNull(node, "node");
        serviceCIDRs = serviceCIDRs == null ? List.of() : List.copyOf(new java.util.TreeSet<>(serviceCIDRs));
    }

    /** A snapshot without service CIDRs. */
    public ProxySnapshot(SortedMap<ServicePortName, ServicePort> services,
                         SortedMap<ServicePortName, List<Endpoint>> endpoints, NodeInfo node) {
        this(services, endpoints, node, List.of());
    }

    /** The same state with other service CIDRs. */
    public ProxySnapshot withServiceCIDRs(List<String> cidrs) {
        return new ProxySnapshot(services, endpoints, node, cidrs);
    }

    public static ProxySnapshot empty(String nodeName) {
        return new ProxySnapshot(new TreeMap<>(), new TreeMap<>(), NodeInfo.named(nodeName));
    }

    /** Endpoints of a service port, empty when it has none. */
    public List<Endpoint> endpointsOf(ServicePortName name) {
        return endpoints.getOrDefault(name, List.of());
    }

    /** Total endpoint count across service ports (kube-proxy's large-cluster threshold counts this). */
    public int endpointCount() {
        int n = 0;
        for (List<Endpoint> l : endpoints.values()) {
            n += l.size();
        }
        return n;
    }
}
