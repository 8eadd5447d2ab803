package io.sluice.core.node;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NodeInfo;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every backend needs to know about the node beyond the snapshot, decided in one place: which IP families it
 * serves, its node-port addresses, its local-traffic detector and where health-check node ports listen.
 *
 * <p>Two sources, one convention each:
 * <ul>
 *   <li>{@link #host(HostInterfaces)} ({@code sluice run}): node-port addresses are resolved against the host's
 *   interface addresses, as kube-proxy's {@code NodePortAddresses.GetNodeIPs} (pkg/proxy/util/nodeport_addresses.go)
 *   does with the real {@code NetworkInterfacer}; a secondary address of the host serves node ports.</li>
 *   <li>{@link #nodeObject()} (dumps and tests, which never read the machine): the Node object's status addresses and
 *   the loopback address stand in for the host's interfaces (the documented dump convention).</li>
 * </ul>
 * Immutable and thread-safe; the host's interfaces are read on each call that needs them (kube-proxy re-reads them on
 * every sync).
 */
public final class NodeFacts {
    private final HostInterfaces host;

    private NodeFacts(HostInterfaces host) {
        this.host = host;
    }

    /** Facts read from the host's interfaces (for {@code sluice run}). */
    public static NodeFacts host(HostInterfaces interfaces) {
        return new NodeFacts(java.util.Objects.requireNonNull(interfaces, "interfaces"));
    }

    /** Facts taken from the Node object only, never from the machine (dumps, renders, tests). */
    public static NodeFacts nodeObject() {
        return new NodeFacts(null);
    }

    /** Whether node-port addresses come from the host's interfaces (else from the Node object). */
    public boolean readsHost() {
        return host != null;
    }

    /**
     * The families the node serves, IPv4 first: IPv4 always, IPv6 when the Node has an IPv6 address or a cluster
     * CIDR is IPv6. (kube-proxy's server.go decides dual-stack from host support after detecting the node IPs; a node
     * with no IPv6 anywhere gets no IPv6 rules either way.)
     */
    public List<IpFamily> families(ProxyConfig config, NodeInfo node) {
        boolean v6 = node.addresses().stream().anyMatch(a -> IpFamily.of(a) == IpFamily.IPv6)
                || config.clusterCIDRs().stream()
                .anyMatch(c -> Cidr.parse(c).map(x -> x.family() == IpFamily.IPv6).orElse(false));
        return v6 ? List.of(IpFamily.IPv4, IpFamily.IPv6) : List.of(IpFamily.IPv4);
    }

    /**
     * The families every backend programs for a snapshot: {@link #families(ProxyConfig, NodeInfo)}, plus IPv6 when a
     * Service has an IPv6 cluster IP (the cluster serves IPv6, so the host's IPv6 proxier has work, as kube-proxy's
     * dual-stack proxier would).
     */
    public List<IpFamily> families(ProxyConfig config, ProxySnapshot snapshot) {
        List<IpFamily> f = families(config, snapshot.node());
        if (f.contains(IpFamily.IPv6)) {
            return f;
        }
        for (ServicePort sp : snapshot.services().values()) {
            if (sp.clusterIP(IpFamily.IPv6) != null) {
                return List.of(IpFamily.IPv4, IpFamily.IPv6);
            }
        }
        return f;
    }

    /**
     * The families whose sync metrics and health the engine keeps, decided before any Node is seen (kube-proxy's
     * server.go {@code platformCheckSupported}: IPv6 counts when the host supports it): from the host, IPv4 plus IPv6
     * when the kernel has IPv6 ({@code /proc/net/if_inet6}); with the Node-object convention, IPv4 plus the families of
     * the cluster CIDRs. Metrics are then recorded only for the families a sync actually programmed.
     */
    public List<IpFamily> supportedFamilies(ProxyConfig config) {
        if (host != null) {
            return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/if_inet6"))
                    ? List.of(IpFamily.IPv4, IpFamily.IPv6) : List.of(IpFamily.IPv4);
        }
        return families(config, NodeInfo.named(""));
    }

    /** kube-proxy's {@code NewNodePortAddresses} for one family of the configuration. */
    public NodePortAddresses nodePortAddresses(ProxyConfig config, IpFamily family, NodeInfo node) {
        return new NodePortAddresses(family, config.nodePortAddresses(), node.primaryAddress(family));
    }

    /**
     * The addresses node-port CIDRs are matched against, for one family: the host's interface addresses, or (Node
     * object convention) the family's loopback address then the Node's addresses.
     */
    public List<String> candidateAddresses(IpFamily family, NodeInfo node) {
        Set<String> out = new LinkedHashSet<>();
        if (host != null) {
            for (InterfaceAddress a : host.addresses()) {
                if (a.family() == family) {
                    out.add(a.ip());
                }
            }
        } else {
            out.add(family == IpFamily.IPv4 ? "127.0.0.1" : "::1");
            node.addresses().stream().filter(a -> IpFamily.of(a) == family).forEach(out::add);
        }
        return List.copyOf(out);
    }

    /** kube-proxy's {@code GetNodeIPs}: the candidate addresses inside the family's node-port CIDRs. */
    public List<String> nodePortIPs(ProxyConfig config, IpFamily family, NodeInfo node) {
        return nodePortAddresses(config, family, node).matchingIPs(candidateAddresses(family, node));
    }

    /** The local-traffic detector of a family (kube-proxy's server_linux.go getLocalDetectors). */
    public LocalTrafficDetector localDetector(ProxyConfig config, IpFamily family, NodeInfo node) {
        return LocalTrafficDetector.forFamily(config, family, node);
    }

    /**
     * Where health-check node ports listen (kube-proxy's {@code newServiceHealthServer}): one wildcard address
     * ({@code ::} when IPv6 is served, else {@code 0.0.0.0}) when every served family's nodePortAddresses matches all;
     * otherwise the node-port addresses of every family (all of a match-all family's addresses), without IPv6
     * link-local addresses (they cannot be bound without a zone). Sorted, IPv4 first.
     */
    public List<String> healthCheckBindAddresses(ProxyConfig config, NodeInfo node) {
        List<IpFamily> families = families(config, node);
        boolean allMatchAll = families.stream().allMatch(f -> nodePortAddresses(config, f, node).matchAll());
        if (allMatchAll) {
            return List.of(families.contains(IpFamily.IPv6) ? "::" : "0.0.0.0");
        }
        List<String> out = new ArrayList<>();
        for (IpFamily f : families) {
            TreeSet<String> ips = new TreeSet<>(nodePortIPs(config, f, node));
            ips.removeIf(ip -> ip.startsWith("fe80:"));
            out.addAll(ips);
        }
        return out;
    }

    /** The Node's addresses plus the host's, canonical (for logs). */
    public String describe(NodeInfo node) {
        if (host == null) {
            return "node object " + node.addresses();
        }
        List<String> ips = new ArrayList<>();
        host.addresses().forEach(a -> ips.add(a.interfaceName() + "=" + IpAddresses.canonical(a.ip()).orElse("?")));
        return "host interfaces " + ips;
    }
}
