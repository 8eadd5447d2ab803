package io.sluice.iptables.render;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * upstream {@code proxyutil.NodePortAddresses}: the {@code --nodeport-addresses} CIDRs of one family ("primary" =
 * the node IP), matchAll when none is of the family (or one is 0.0.0.0/0 / ::/0), and whether an IPv4 loopback is
 * covered (else localhost node ports are forced off). Immutable.
 */
final class NodePortAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(NodePortAddresses.class);

    private final List<Cidr> cidrs;
    private final boolean matchAll;
    private final boolean containsIPv4Loopback;

    NodePortAddresses(IpFamily family, List<String> specs, String primaryNodeIP) {
        List<Cidr> own = new ArrayList<>();
        boolean loopback = specs.isEmpty();
        boolean all = false;
        for (String spec : specs) {
            Cidr cidr;
            if ("primary".equals(spec)) {
                if (primaryNodeIP == null) {
                    continue;
                }
                cidr = Cidr.parse(primaryNodeIP + (family == IpFamily.IPv4 ? "/32" : "/128")).orElseThrow();
            } else {
                cidr = Cidr.parse(spec).orElse(null);
                if (cidr == null) {
                    LOG.warn("Ignoring invalid nodePortAddresses entry {}", spec.replaceAll("[^A-Za-z0-9.:/]", "?"));
                    continue;
                }
            }
            if (cidr.family() == IpFamily.IPv4 && cidr.contains("127.0.0.1")) {
                loopback = true;
            }
            if (cidr.family() == family) {
                own.add(cidr);
                all |= cidr.prefix() == 0;
            }
        }
        this.cidrs = List.copyOf(own);
        this.matchAll = own.isEmpty() || all;
        this.containsIPv4Loopback = loopback;
    }

    boolean matchAll() {
        return matchAll;
    }

    boolean containsIPv4Loopback() {
        return containsIPv4Loopback;
    }

    /**
     * upstream {@code GetNodeIPs}: the node's addresses inside one of the CIDRs. The loopback address of the family
     * (on {@code lo} on every node) is a candidate first, then the node IPs in order; no duplicates.
     */
    List<String> matchingIPs(IpFamily family, List<String> nodeIPs) {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(family == IpFamily.IPv4 ? "127.0.0.1" : "::1");
        candidates.addAll(nodeIPs);
        List<String> out = new ArrayList<>();
        for (String ip : candidates) {
            for (Cidr c : cidrs) {
                if (c.contains(ip)) {
                    out.add(ip);
                    break;
                }
            }
        }
        return out;
    }
}
