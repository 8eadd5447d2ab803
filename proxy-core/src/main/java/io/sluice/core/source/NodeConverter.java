package io.sluice.core.source;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Taint;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.NodeInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * fabric8 {@link Node} → {@link NodeInfo}: addresses are every InternalIP then every ExternalIP in status order
 * (kube-proxy's {@code GetNodeHostIPs} preference), canonical, invalid ones skipped and reported as
 * {@code invalid-node-address}. Thread-safe.
 */
public final class NodeConverter {
    static final String KIND = "Node";
    /** cluster-autoscaler's taint on nodes it is about to remove; kube-proxy's /healthz treats it as "deleting". */
    public static final String TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

    private final InvalidObjectReporter reporter;

    public NodeConverter(InvalidObjectListener listener) {
        this.reporter = new InvalidObjectReporter(listener);
    }

    public Optional<NodeInfo> convert(Node node) {
        if (node == null || node.getMetadata() == null || node.getMetadata().getName() == null) {
            return Optional.empty();
        }
        String name = node.getMetadata().getName();
        if (!KubeNames.isDns1123Subdomain(name)) {
            reporter.report(KIND, KubeNames.printable(name), "invalid-name", "node name is not a DNS-1123 subdomain");
            return Optional.empty();
        }
        Set<String> addresses = new LinkedHashSet<>();
        List<NodeAddress> status = node.getStatus() == null || node.getStatus().getAddresses() == null
                ? List.of() : node.getStatus().getAddresses();
        for (String type : List.of("InternalIP", "ExternalIP")) {
            for (NodeAddress a : status) {
                if (a == null || !type.equals(a.getType())) {
                    continue;
                }
                Optional<String> ip = IpAddresses.canonical(a.getAddress());
                if (ip.isPresent()) {
                    addresses.add(ip.get());
                } else {
                    reporter.report(KIND, name, "invalid-node-address", type + " " + a.getAddress());
                }
            }
        }
        TreeMap<String, String> labels = new TreeMap<>();
        if (node.getMetadata().getLabels() != null) {
            labels.putAll(node.getMetadata().getLabels());
        }
        boolean deleting = node.getMetadata().getDeletionTimestamp() != null;
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint t : node.getSpec().getTaints()) {
                if (t != null && TO_BE_DELETED_TAINT.equals(t.getKey())) {
                    deleting = true;
                }
            }
        }
        return Optional.of(new NodeInfo(name, new ArrayList<>(addresses), labels, deleting, podCIDRs(name, node)));
    }

    /** {@code spec.podCIDRs}, else the older single {@code spec.podCIDR}; invalid entries reported and skipped. */
    private List<String> podCIDRs(String name, Node node) {
        if (node.getSpec() == null) {
            return List.of();
        }
        List<String> specs = node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty()
                ? node.getSpec().getPodCIDRs()
                : node.getSpec().getPodCIDR() != null ? List.of(node.getSpec().getPodCIDR()) : List.of();
        List<String> out = new ArrayList<>();
        for (String c : specs) {
            Optional<Cidr> cidr = c == null ? Optional.empty() : Cidr.parse(c);
            if (cidr.isPresent()) {
                out.add(cidr.get().toString());
            } else {
                reporter.report(KIND, name, "invalid-pod-cidr", "spec.podCIDRs entry " + c);
            }
        }
        return out;
    }
}
