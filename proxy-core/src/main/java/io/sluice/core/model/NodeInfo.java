package io.sluice.core.model;

import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Collections;

/**
 * The proxy's own Node: name, addresses (InternalIP then ExternalIP, status order, canonical), labels.
 *
 * @param deleting true when the Node has a deletionTimestamp or the {@code ToBeDeletedByClusterAutoscaler} taint;
 *                 /healthz then reports the node as not eligible, as kube-proxy does
 * @param podCIDRs {@code spec.podCIDRs} (else {@code spec.podCIDR}), canonical, in spec order: what
 *                 {@code detectLocalMode: NodeCIDR} matches (kube-proxy server_linux.go getLocalDetectors)
 */
public record NodeInfo(String name, List<String> addresses, SortedMap<String, String> labels, boolean deleting,
                       List<String> podCIDRs) {
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    public NodeInfo {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        podCIDRs = podCIDRs == null ? List.of() : List.copyOf(podCIDRs);
    }

    /** A Node without pod CIDRs. */
    public NodeInfo(String name, List<String> addresses, SortedMap<String, String> labels, boolean deleting) {
        this(name, addresses, labels, deleting, List.of());
    }

    /** The same Node with {@code spec.podCIDRs}. */
    public NodeInfo withPodCIDRs(List<String> cidrs) {
        return new NodeInfo(name, addresses, labels, deleting, cidrs);
    }

    /** A node known only by name (no Node object seen yet). */
    public static NodeInfo named(String name) {
        return new NodeInfo(name, List.of(), new TreeMap<>(), false);
    }

    public String zone() {
        return labels.getOrDefault(ZONE_LABEL, "");
    }

    /** The first address of a family (kube-proxy's node IP for that family), or null. */
    public String primaryAddress(IpFamily family) {
        return addresses.stream().filter(a -> IpFamily.of(a) == family).findFirst().orElse(null);
    }
}
