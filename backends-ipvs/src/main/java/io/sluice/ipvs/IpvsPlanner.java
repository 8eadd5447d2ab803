package io.sluice.ipvs;

import io.sluice.core.config.ProxyConfig;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpAddresses;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.Protocol;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.topology.CategorizedEndpoints;
import io.sluice.core.topology.EndpointCategorizer;
import io.sluice.ipvs.DesiredIpvsState.DesiredIpset;
import io.sluice.ipvs.DesiredIpvsState.DesiredVirtualServer;
import io.sluice.ipvs.ipset.IpsetEntries;
import io.sluice.ipvs.ipset.IpsetSpec;
import io.sluice.ipvs.ipset.KubeIpsets;
import io.sluice.ipvs.rules.IpvsRulesInput;
import io.sluice.ipvs.rules.IpvsRulesRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Pure desired state of kube-proxy's IPVS mode for one family ({@code syncProxyRules} in
 * {@code pkg/proxy/ipvs/proxier.go}, minus the kernel calls): snapshot + configuration + host facts →
 * {@link DesiredIpvsState}. Never touches the kernel; the same input gives an equal result.
 *
 * <p>Per service port (in {@link ServicePortName} order, so the output is deterministic where upstream iterates a Go
 * map): a virtual server for the cluster IP (bound to kube-ipvs0), each external IP and LB IP (bound unless the
 * address already lives on another interface), and each node IP : node port (never bound). Real servers are the
 * cluster endpoints, or the local ones when the matching traffic policy is Local, falling back to the cluster
 * endpoints when there is no local one (kubernetes PR 97081). Thread-safe (stateless).
 */
public final class IpvsPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(IpvsPlanner.class);
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.\\-@]{1,15}");

    private final ProxyConfig config;
    private final boolean randomFully;

    /**
     * @param randomFully whether MASQUERADE gets {@code --random-fully} (iptables ≥ 1.6.2)
     */
    public IpvsPlanner(ProxyConfig config, boolean randomFully) {
        this.config = config;
        this.randomFully = randomFully;
    }

    public DesiredIpvsState plan(ProxySnapshot snapshot, IpFamily family, HostFacts host) {
        String scheduler = config.ipvs().scheduler();
        Map<String, SortedSet<String>> sets = new LinkedHashMap<>();
        List<IpsetSpec> specs = KubeIpsets.forFamily(family);
        for (IpsetSpec s : specs) {
            sets.put(s.baseName(), new TreeSet<>());
        }
        TreeMap<VirtualServer.Key, DesiredVirtualServer> vss = new TreeMap<>();
        TreeSet<String> bind = new TreeSet<>();
        List<IpvsRulesInput.LbNoNodeAccess> noNodeAccess = new ArrayList<>();
        Set<NamespacedName> noLocalInternal = new HashSet<>();
        Set<NamespacedName> noLocalExternal = new HashSet<>();
        Set<String> local = host.localAddresses();
        String nodeIp = snapshot.node().primaryAddress(family);
        List<String> nodeIps = nodePortIps(snapshot, family, host);

        for (Map.Entry<ServicePortName, ServicePort> e : snapshot.services().entrySet()) {
            ServicePort svc = e.getValue().forFamily(family);
            String clusterIp = svc.clusterIP(family);
            if (clusterIp == null) {
                continue;
            }
            ServicePortName name = e.getKey();
            NamespacedName owner = name.service();
            Protocol proto = name.protocol();
            List<Endpoint> eps = snapshot.endpointsOf(name).stream().filter(ep -> ep.family() == family).toList();
            CategorizedEndpoints cat = EndpointCategorizer.categorize(eps, svc, snapshot.node().name(),
                    snapshot.node().zone());
            int flags = 0;
            int timeout = 0;
            if (svc.affinity().isClientIP()) {
                flags |= VirtualServer.FLAG_PERSISTENT;
                timeout = svc.affinity().timeoutSeconds();
            }
            if ("mh".equals(scheduler)) {
                flags |= VirtualServer.FLAG_SOURCE_HASH;
            }

            // Hairpin: every local endpoint (whatever its conditions) may reach itself through the service.
            for (Endpoint ep : eps) {
                if (ep.isLocal(snapshot.node().name())) {
                    add(sets, family, KubeIpsets.LOOP_BACK, IpsetEntries.ipPortIp(ep.ip(), proto, ep.port(), ep.ip()));
                }
            }

            add(sets, family, KubeIpsets.CLUSTER_IP, IpsetEntries.ipPort(clusterIp, proto, svc.port()));
            List<RealServer> internal = realServers(cat, svc.internalPolicyLocal(), svc, owner, noLocalInternal,
                    noLocalExternal);
            put(vss, new VirtualServer(clusterIp, proto, svc.port(), scheduler, flags, timeout), internal, owner);
            bind.add(clusterIp);

            List<RealServer> external = realServers(cat, svc.externalPolicyLocal(), svc, owner, noLocalInternal,
                    noLocalExternal);
            for (String ip : svc.externalIPs()) {
                add(sets, family, svc.externalPolicyLocal() ? KubeIpsets.EXTERNAL_IP_LOCAL : KubeIpsets.EXTERNAL_IP,
                        IpsetEntries.ipPort(ip, proto, svc.port()));
                put(vss, new VirtualServer(ip, proto, svc.port(), scheduler, flags, timeout), external, owner);
                if (!local.contains(ip)) {
                    bind.add(ip);
                }
            }

            for (String ip : svc.loadBalancerIPs()) {
                String entry = IpsetEntries.ipPort(ip, proto, svc.port());
                add(sets, family, KubeIpsets.LOAD_BALANCER, entry);
                if (svc.externalPolicyLocal()) {
                    add(sets, family, KubeIpsets.LOAD_BALANCER_LOCAL, entry);
                }
                if (!svc.loadBalancerSourceRanges().isEmpty()) {
                    add(sets, family, KubeIpsets.LOAD_BALANCER_FW, entry);
                    boolean allowFromNode = false;
                    for (String range : svc.loadBalancerSourceRanges()) {
                        add(sets, family, KubeIpsets.LOAD_BALANCER_SOURCE_CIDR,
                                IpsetEntries.ipPortNet(ip, proto, svc.port(), range));
                        if (nodeIp != null && Cidr.parse(range).map(c -> c.contains(nodeIp)).orElse(false)) {
                            allowFromNode = true;
                        }
                    }
                    if (allowFromNode) {
                        // Requests from the LB's backend hosts loop back locally instead of reaching the LB.
                        add(sets, family, KubeIpsets.LOAD_BALANCER_SOURCE_IP,
                                IpsetEntries.ipPortIp(ip, proto, svc.port(), ip));
                    } else {
                        // No range admits the node: block LB access from the node itself (kubernetes issue 119656).
                        noNodeAccess.add(new IpvsRulesInput.LbNoNodeAccess(ip, proto.lower(), svc.port()));
                    }
                }
                put(vss, new VirtualServer(ip, proto, svc.port(), scheduler, flags, timeout), external, owner);
                if (!local.contains(ip)) {
                    bind.add(ip);
                }
            }

            if (svc.nodePort() != 0) {
                if (nodeIps.isEmpty()) {
                    // Upstream skips the rest of this service port (health check node port included).
                    continue;
                }
                String plain = switch (proto) {
                    case TCP -> KubeIpsets.NODE_PORT_TCP;
                    case UDP -> KubeIpsets.NODE_PORT_UDP;
                    case SCTP -> KubeIpsets.NODE_PORT_SCTP;
                };
                String localSet = switch (proto) {
                    case TCP -> KubeIpsets.NODE_PORT_LOCAL_TCP;
                    case UDP -> KubeIpsets.NODE_PORT_LOCAL_UDP;
                    case SCTP -> KubeIpsets.NODE_PORT_LOCAL_SCTP;
                };
                List<String> entries = new ArrayList<>();
                if (proto == Protocol.SCTP) {
                    // SCTP uses hash:ip,port (bitmap:port cannot tell protocols apart): one entry per node IP.
                    for (String nip : nodeIps) {
                        entries.add(IpsetEntries.ipPort(nip, proto, svc.nodePort()));
                    }
                } else {
                    entries.add(IpsetEntries.port(svc.nodePort()));
                }
                for (String en : entries) {
                    add(sets, family, plain, en);
                    if (svc.externalPolicyLocal()) {
                        add(sets, family, localSet, en);
                    }
                }
                for (String nip : nodeIps) {
                    put(vss, new VirtualServer(nip, proto, svc.nodePort(), scheduler, flags, timeout), external, owner);
                }
            }
            if (svc.healthCheckNodePort() != 0) {
                add(sets, family, KubeIpsets.HEALTH_CHECK_NODE_PORT, IpsetEntries.port(svc.healthCheckNodePort()));
            }
        }
        for (String a : bind) {
            add(sets, family, KubeIpsets.IPVS_IPS, IpsetEntries.ip(a));
        }

        List<DesiredIpset> ipsets = new ArrayList<>();
        Set<String> nonEmpty = new HashSet<>();
        for (IpsetSpec s : specs) {
            SortedSet<String> entries = sets.get(s.baseName());
            ipsets.add(new DesiredIpset(s, entries));
            if (!entries.isEmpty()) {
                nonEmpty.add(s.baseName());
            }
        }
        String iptables = IpvsRulesRenderer.render(new IpvsRulesInput(family, nonEmpty,
                config.iptables().masqueradeAll(), ifNotLocal(family), config.iptables().masqueradeMark(),
                randomFully, noNodeAccess));
        return new DesiredIpvsState(family, vss, bind, ipsets, iptables, noLocalInternal.size(),
                noLocalExternal.size());
    }

    /**
     * kube-proxy's {@code syncEndpoint}: with {@code onlyLocal}, the local endpoints, or the cluster endpoints when
     * there is no local one (traffic from local pods still works; replies to external clients break).
     */
    private static List<RealServer> realServers(CategorizedEndpoints cat, boolean onlyLocal, ServicePort svc,
                                                NamespacedName owner, Set<NamespacedName> noLocalInternal,
                                                Set<NamespacedName> noLocalExternal) {
        List<Endpoint> chosen;
        if (onlyLocal) {
            if (!cat.local().isEmpty()) {
                chosen = cat.local();
            } else {
                chosen = cat.cluster();
                if (cat.hasAnyEndpoints() && svc.internalPolicyLocal()) {
                    noLocalInternal.add(owner);
                }
                if (cat.hasAnyEndpoints() && svc.externalPolicyLocal()) {
                    noLocalExternal.add(owner);
                }
            }
        } else {
            chosen = cat.cluster();
        }
        TreeSet<RealServer> out = new TreeSet<>();
        for (Endpoint ep : chosen) {
            out.add(RealServer.of(ep.ip(), ep.port()));
        }
        return List.copyOf(out);
    }

    private static void put(Map<VirtualServer.Key, DesiredVirtualServer> vss, VirtualServer vs,
                            List<RealServer> rss, NamespacedName owner) {
        DesiredVirtualServer prev = vss.putIfAbsent(vs.key(), new DesiredVirtualServer(vs, rss, owner));
        if (prev != null && !prev.service().equals(owner)) {
            LOG.warn("Virtual server {} is claimed by {} and {}; keeping {}", vs, prev.service(), owner,
                    prev.service());
        }
    }

    private static void add(Map<String, SortedSet<String>> sets, IpFamily family, String set, String entry) {
        IpsetSpec spec = KubeIpsets.spec(set, family);
        if (!IpsetEntries.isValid(spec.type(), family, entry)) {
            // Cannot happen for validated model objects; never let a malformed entry reach ipset.
            LOG.error("Dropping invalid entry for ipset {} (type {})", spec.name(), spec.type().text());
            return;
        }
        sets.get(set).add(entry);
    }

    /**
     * The NodePort VIPs (kube-proxy's {@code NodePortAddresses}): every local address of the family when
     * nodePortAddresses holds no CIDR of this family or holds a /0; otherwise the non-loopback local addresses inside
     * one of its CIDRs. "primary" stands for the node's primary address of the family.
     */
    List<String> nodePortIps(ProxySnapshot snapshot, IpFamily family, HostFacts host) {
        List<Cidr> parsed = new ArrayList<>();
        for (String c : config.nodePortAddresses()) {
            if ("primary".equals(c)) {
                String p = snapshot.node().primaryAddress(family);
                if (p != null) {
                    parsed.add(Cidr.parse(p + (family == IpFamily.IPv4 ? "/32" : "/128")).orElseThrow());
                }
                continue;
            }
            Cidr.parse(c).filter(p -> p.family() == family).ifPresent(parsed::add);
        }
        boolean matchAll = parsed.isEmpty() || parsed.stream().anyMatch(p -> p.prefix() == 0);
        TreeSet<String> out = new TreeSet<>();
        for (String a : host.localAddresses()) {
            if (IpFamily.of(a) != family || IpAddresses.isLoopback(a)) {
                continue;
            }
            if (matchAll || parsed.stream().anyMatch(p -> p.contains(a))) {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }

    /** The local detector's "not local" match for the cluster-IP masquerade rule, or empty (no detector). */
    private List<String> ifNotLocal(IpFamily family) {
        switch (config.detectLocalMode()) {
            case "ClusterCIDR" -> {
                for (String c : config.clusterCIDRs()) {
                    var p = Cidr.parse(c);
                    if (p.isPresent() && p.get().family() == family) {
                        return List.of("!", "-s", p.get().toString());
                    }
                }
                return List.of();
            }
            case "BridgeInterface" -> {
                String b = config.detectLocal().bridgeInterface();
                return INTERFACE.matcher(b).matches() ? List.of("!", "-i", b) : List.of();
            }
            case "InterfaceNamePrefix" -> {
                String p = config.detectLocal().interfaceNamePrefix();
                return INTERFACE.matcher(p).matches() ? List.of("!", "-i", p + "+") : List.of();
            }
            default -> {
                return List.of();
            }
        }
    }
}
