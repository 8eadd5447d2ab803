package io.sluice.nftables.render;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Every fact about this node's own addresses the nftables renderer needs, in one place (a shared node-facts layer
 * can replace this class): the node IP of a family, and which addresses accept NodePort traffic.
 *
 * <p>Follows kube-proxy: {@code --nodeport-addresses} defaults to {@code [primary]} in nftables mode
 * (cmd/kube-proxy server_linux.go {@code platformApplyDefaults}); {@code primary} is the node IP of each family as
 * {@code /32} or {@code /128}; {@code NewNodePortAddresses} keeps the CIDRs of the family and matches everything when
 * none remain or one is a zero prefix; loopback addresses never accept NodePorts in this mode. Node addresses are the
 * Node object's (InternalIP, then ExternalIP), as elsewhere in Sluice; the NodePort address list is sorted so that
 * output is deterministic (upstream's order is random).
 *
 * @param matchAll     NodePorts are accepted on every local address ({@code fib daddr type local})
 * @param nodePortIPs  otherwise, the addresses of {@code nodeport-ips}
 * @param nodeIP       the node's primary address of the family, null when it has none
 */
public record NodeAddresses(boolean matchAll, List<String> nodePortIPs, String nodeIP) {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAddresses.class);

    public NodeAddresses {
        nodePortIPs = List.copyOf(nodePortIPs);
    }

    /**
     * @param nodePortAddresses the configured list ({@code nodePortAddresses}); empty means {@code [primary]}
     */
    public static NodeAddresses of(IpFamily family, List<String> nodePortAddresses, NodeInfo node) {
        List<String> specs = nodePortAddresses.isEmpty() ? List.of("primary") : nodePortAddresses;
        String nodeIP = node.primaryAddress(family);
        List<Cidr> own = new ArrayList<>();
        boolean zero = false;
        for (String spec : specs) {
            List<Cidr> cidrs = new ArrayList<>();
            if ("primary".equals(spec)) {
                for (IpFamily f : IpFamily.values()) {
                    String ip = node.primaryAddress(f);
                    if (ip != null && !IpAddresses.isLoopback(ip)) {
                        cidrs.add(Cidr.parse(ip + (f == IpFamily.IPv4 ? "/32" : "/128")).orElseThrow());
                    }
                }
            } else {
                Cidr c = Cidr.parse(spec).orElse(null);
                if (c == null) {
                    LOG.warn("Ignoring invalid nodePortAddresses entry {}", spec.replaceAll("[^A-Za-z0-9.:/]", "?"));
                    continue;
                }
                cidrs.add(c);
            }
            for (Cidr c : cidrs) {
                if (c.family() == family) {
                    own.add(c);
                    zero |= c.prefix() == 0;
                }
            }
        }
        if (own.isEmpty() || zero) {
            return new NodeAddresses(true, List.of(), nodeIP);
        }
        TreeSet<String> ips = new TreeSet<>();
        for (String a : node.addresses()) {
            if (IpFamily.of(a) != family || IpAddresses.isLoopback(a)) {
                continue;
            }
            if (own.stream().anyMatch(c -> c.contains(a))) {
                ips.add(a);
            }
        }
        return new NodeAddresses(false, List.copyOf(ips), nodeIP);
    }
}
