package io.sluice.core.node;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * kube-proxy's {@code proxyutil.NodePortAddresses} (pkg/proxy/util/nodeport_addresses.go) for one family: the
 * {@code nodePortAddresses} CIDRs of that family. As {@code NewNodePortAddresses}: when none of the entries is of the
 * family (the list is empty, or lists only CIDRs of the other family), the family's zero CIDR ({@code 0.0.0.0/0} or
 * {@code ::/0}) is used instead, so the family matches every address and, for IPv4, the loopback range is covered
 * (localhost node ports stay on). A zero CIDR among the entries also means match-all.
 *
 * <p>The keyword {@code primary} stands for the node's primary IP of the family (kube-proxy's server.go replaces it
 * with the node IPs before building this). Invalid entries are logged and skipped (the configuration loader
 * validates them first). Immutable.
 */
public final class NodePortAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(NodePortAddresses.class);

    private final IpFamily family;
    private final List<Cidr> cidrs;
    private final boolean matchAll;
    private final boolean containsIPv4Loopback;

    /**
     * @param specs         {@code nodePortAddresses} entries of any family, or "primary"
     * @param primaryNodeIP the node IP of {@code family}, for "primary"; null when unknown
     */
    public NodePortAddresses(IpFamily family, List<String> specs, String primaryNodeIP) {
        this.family = family;
        List<Cidr> own = new ArrayList<>();
        for (String spec : specs) {
            Cidr cidr;
            if ("primary".equals(spec)) {
                if (primaryNodeIP == null || IpFamily.of(primaryNodeIP) != family) {
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
            if (cidr.family() == family) {
                own.add(cidr);
            }
        }
        if (own.isEmpty()) {
            // NewNodePortAddresses: no CIDR of this family -> the family's zero CIDR.
            own.add(Cidr.parse(family == IpFamily.IPv4 ? "0.0.0.0/0" : "::/0").orElseThrow());
        }
        boolean loopback = false;
        boolean all = false;
        for (Cidr c : own) {
            loopback |= c.family() == IpFamily.IPv4 && c.contains("127.0.0.1");
            all |= c.prefix() == 0;
        }
        this.cidrs = all ? List.of(own.stream().filter(c -> c.prefix() == 0).findFirst().orElseThrow())
                : List.copyOf(own);
        this.matchAll = all;
        this.containsIPv4Loopback = loopback;
    }

    public IpFamily family() {
        return family;
    }

    /** The CIDRs matched (the zero CIDR alone when {@link #matchAll()}). */
    public List<Cidr> cidrs() {
        return cidrs;
    }

    /** Every local address of the family serves node ports ({@code iptables: -m addrtype --dst-type LOCAL}). */
    public boolean matchAll() {
        return matchAll;
    }

    /** An IPv4 CIDR covers 127.0.0.1; otherwise localhost node ports are forced off. */
    public boolean containsIPv4Loopback() {
        return containsIPv4Loopback;
    }

    /**
     * kube-proxy's {@code GetNodeIPs}: the candidate addresses that lie in one of the CIDRs, in candidate order,
     * without duplicates. {@code run} passes the host's interface addresses ({@link NodeFacts}); dumps, which never
     * read the machine, pass the loopback and the Node object's addresses.
     */
    public List<String> matchingIPs(List<String> candidates) {
        Set<String> out = new LinkedHashSet<>();
        for (String ip : candidates) {
            if (IpFamily.of(ip) != family) {
                continue;
            }
            for (Cidr c : cidrs) {
                if (c.contains(ip)) {
                    out.add(ip);
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return family + cidrs.toString();
    }
}
