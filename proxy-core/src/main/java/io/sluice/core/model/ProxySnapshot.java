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
 */
public record ProxySnapshot(
        SortedMap<ServicePortName, ServicePort> services,
        SortedMap<ServicePortName, List<Endpoint>> endpoints,
        NodeInfo node) {

    public ProxySnapshot {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        TreeMap<ServicePortName, List<Endpoint>> eps = new TreeMap<>();
        for (Map.Entry<ServicePortName, List<Endpoint>> e : endpoints.entrySet()) {
            eps.put(e.getKey(), List.copyOf(e.getValue()));
        }
        endpoints = Collections.unmodifiableSortedMap(eps);
        Objects.requireNonNull(node, "node");
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
