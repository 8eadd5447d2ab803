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
import io.sluice.core.node.LocalTrafficDetector;
import io.sluice.core.node.NodePortAddresses;
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
        Scope scope = scope(snapshot, family, host);
        List<Contribution> all = new ArrayList<>();
        for (Map.Entry<ServicePortName, ServicePort> e : snapshot.services().entrySet()) {
            Contribution c = contribute(e.getKey(), e.getValue(), snapshot, scope);
            if (c != null) {
                all.add(c);
            }
        }
        return assemble(family, all, scope.localDetector());
    }

    /** What {@link #contribute} needs besides the service port; computed once per sync and family. */
    record Scope(IpFamily family, String scheduler, Set<String> local, String nodeName, String nodeZone,
                 String nodeIp, List<String> nodeIps, LocalTrafficDetector localDetector) {
    }

    Scope scope(ProxySnapshot snapshot, IpFamily family, HostFacts host) {
        return new Scope(family, config.ipvs().scheduler(), host.localAddresses(), snapshot.node().name(),
                snapshot.node().zone(), snapshot.node().primaryAddress(family), nodePortIps(snapshot, family, host),
                LocalTrafficDetector.forFamily(config, family, snapshot.node()));
    }

    /**
     * One service port's share of a family's desired state. Depends only on that service port, its endpoints and
     * the {@link Scope}, so it can be memoised per service port between syncs.
     *
     * @param virtualServers in claim order (a key claimed by an earlier service port stays with that one)
     * @param entries        ipset base name to entries (validated), without {@code KUBE-IPVS-IPS} (derived from
     *                       the bind addresses of all service ports)
     * @param noLocalInternal whether the owning service counts towards the internal no-local-endpoints metric
     */
    record Contribution(ServicePortName name, List<DesiredVirtualServer> virtualServers, Set<String> bind,
                        Map<String, Set<String>> entries, List<IpvsRulesInput.LbNoNodeAccess> noNodeAccess,
                        boolean noLocalInternal, boolean noLocalExternal) {
    }

    /** The contribution of one service port, or null when it has no cluster IP of the scope's family. */
    Contribution contribute(ServicePortName name, ServicePort port, ProxySnapshot snapshot, Scope scope) {
        IpFamily family = scope.family();
        String scheduler = scope.scheduler();
        ServicePort svc = port.forFamily(family);
        String clusterIp = svc.clusterIP(family);
        if (clusterIp == null) {
            return null;
        }
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        List<DesiredVirtualServer> vss = new ArrayList<>();
        Set<String> bind = new TreeSet<>();
        List<IpvsRulesInput.LbNoNodeAccess> noNodeAccess = new ArrayList<>();
        Set<NamespacedName> noLocalInternal = new HashSet<>();
        Set<NamespacedName> noLocalExternal = new HashSet<>();
        Set<String> local = scope.local();
        String nodeIp = scope.nodeIp();
        List<String> nodeIps = scope.nodeIps();
        NamespacedName owner = name.service();
        Protocol proto = name.protocol();
        List<Endpoint> eps = snapshot.endpointsOf(name).stream().filter(ep -> ep.family() == family).toList();
        CategorizedEndpoints cat = EndpointCategorizer.categorize(eps, svc, scope.nodeName(), scope.nodeZone());
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
            if (ep.isLocal(scope.nodeName())) {
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

        boolean skipRest = false;
        if (svc.nodePort() != 0) {
            if (nodeIps.isEmpty()) {
                // Upstream skips the rest of this service port (health check node port included).
                skipRest = true;
            } else {
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
                    put(vss, new VirtualServer(nip, proto, svc.nodePort(), scheduler, flags, timeout), external,
                            owner);
                }
            }
        }
        if (!skipRest && svc.healthCheckNodePort() != 0) {
            add(sets, family, KubeIpsets.HEALTH_CHECK_NODE_PORT, IpsetEntries.port(svc.healthCheckNodePort()));
        }
        Map<String, Set<String>> frozen = new LinkedHashMap<>();
        sets.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        return new Contribution(name, List.copyOf(vss), Set.copyOf(bind), Map.copyOf(frozen), List.copyOf(noNodeAccess),
                !noLocalInternal.isEmpty(), !noLocalExternal.isEmpty());
    }

    /** Merges contributions (in service port order) into a family's desired state, as {@link #plan} does. */
    DesiredIpvsState assemble(IpFamily family, Iterable<Contribution> contributions, LocalTrafficDetector detector) {
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        List<IpsetSpec> specs = KubeIpsets.forFamily(family);
        for (IpsetSpec s : specs) {
            sets.put(s.baseName(), new TreeSet<>());
        }
        TreeMap<VirtualServer.Key, DesiredVirtualServer> vss = new TreeMap<>();
        TreeSet<String> bind = new TreeSet<>();
        List<IpvsRulesInput.LbNoNodeAccess> noNodeAccess = new ArrayList<>();
        Set<NamespacedName> noLocalInternal = new HashSet<>();
        Set<NamespacedName> noLocalExternal = new HashSet<>();
        for (Contribution c : contributions) {
            for (DesiredVirtualServer d : c.virtualServers()) {
                claim(vss, d);
            }
            bind.addAll(c.bind());
            c.entries().forEach((set, entries) -> sets.get(set).addAll(entries));
            noNodeAccess.addAll(c.noNodeAccess());
            if (c.noLocalInternal()) {
                noLocalInternal.add(c.name().service());
            }
            if (c.noLocalExternal()) {
                noLocalExternal.add(c.name().service());
            }
        }
        for (String a : bind) {
            add(sets, family, KubeIpsets.IPVS_IPS, IpsetEntries.ip(a));
        }

        List<DesiredIpset> ipsets = new ArrayList<>();
        Set<String> nonEmpty = new HashSet<>();
        for (IpsetSpec s : specs) {
            SortedSet<String> entries = (SortedSet<String>) sets.get(s.baseName());
            ipsets.add(new DesiredIpset(s, entries));
            if (!entries.isEmpty()) {
                nonEmpty.add(s.baseName());
            }
        }
        String iptables = iptables(family, nonEmpty, noNodeAccess, detector);
        return new DesiredIpvsState(family, vss, bind, ipsets, iptables, noLocalInternal.size(),
                noLocalExternal.size());
    }

    /** The IPVS-mode iptables payload of a family (cheap: depends on which sets are non-empty and few rules). */
    String iptables(IpFamily family, Set<String> nonEmptySets, List<IpvsRulesInput.LbNoNodeAccess> noNodeAccess,
                    LocalTrafficDetector detector) {
        return IpvsRulesRenderer.render(new IpvsRulesInput(family, nonEmptySets,
                config.iptables().masqueradeAll(), ifNotLocal(detector), config.iptables().masqueradeMark(),
                randomFully, noNodeAccess));
    }

    static void claim(Map<VirtualServer.Key, DesiredVirtualServer> vss, DesiredVirtualServer d) {
        DesiredVirtualServer prev = vss.putIfAbsent(d.virtualServer().key(), d);
        if (prev != null && !prev.service().equals(d.service())) {
            LOG.warn("Virtual server {} is claimed by {} and {}; keeping {}", d.virtualServer(), prev.service(),
                    d.service(), prev.service());
        }
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

    private static void put(List<DesiredVirtualServer> vss, VirtualServer vs, List<RealServer> rss,
                            NamespacedName owner) {
        for (DesiredVirtualServer d : vss) {
            if (d.virtualServer().key().equals(vs.key())) {
                return; // the first claim of this service port wins, as putIfAbsent did
            }
        }
        vss.add(new DesiredVirtualServer(vs, rss, owner));
    }

    private static void add(Map<String, Set<String>> sets, IpFamily family, String set, String entry) {
        IpsetSpec spec = KubeIpsets.spec(set, family);
        if (!IpsetEntries.isValid(spec.type(), family, entry)) {
            // Cannot happen for validated model objects; never let a malformed entry reach ipset.
            LOG.error("Dropping invalid entry for ipset {} (type {})", spec.name(), spec.type().text());
            return;
        }
        sets.computeIfAbsent(set, x -> new TreeSet<>()).add(entry);
    }

    /**
     * The NodePort VIPs: kube-proxy pkg/proxy/ipvs/proxier.go takes every local address of the family (except
     * kube-ipvs0's) when {@code nodePortAddresses} matches all, else {@code GetNodeIPs}; loopback addresses are never
     * NodePort VIPs. Matching follows the shared {@link NodePortAddresses} (including its fallback to the family's
     * zero CIDR when only CIDRs of the other family are listed).
     */
    List<String> nodePortIps(ProxySnapshot snapshot, IpFamily family, HostFacts host) {
        NodePortAddresses npa = new NodePortAddresses(family, config.nodePortAddresses(),
                snapshot.node().primaryAddress(family));
        TreeSet<String> out = new TreeSet<>(npa.matchingIPs(List.copyOf(host.localAddresses())));
        out.removeIf(IpAddresses::isLoopback);
        return List.copyOf(out);
    }

    /**
     * The shared local detector's "not local" match for the cluster-IP masquerade rule (kube-proxy
     * pkg/proxy/ipvs/proxier.go writeIptablesRules: {@code localDetector.IfNotLocal()}), every detectLocalMode
     * including NodeCIDR; empty when there is no detector (then node-originated VIP traffic is masqueraded instead).
     */
    static List<String> ifNotLocal(LocalTrafficDetector detector) {
        if (detector instanceof LocalTrafficDetector.ClusterCidr c) {
            return List.of("!", "-s", c.cidr());
        } else if (detector instanceof LocalTrafficDetector.NodeCidr c) {
            return List.of("!", "-s", c.cidr());
        } else if (detector instanceof LocalTrafficDetector.BridgeInterface b) {
            return List.of("!", "-i", b.name());
        } else if (detector instanceof LocalTrafficDetector.InterfaceNamePrefix p) {
            return List.of("!", "-i", p.prefix() + "+");
        }
        return List.of();
    }
}
