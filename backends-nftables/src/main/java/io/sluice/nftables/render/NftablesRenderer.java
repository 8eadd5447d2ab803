package io.sluice.nftables.render;

import io.sluice.core.backend.BackendMetrics;
import io.sluice.core.model.Cidr;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.NamespacedName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.topology.CategorizedEndpoints;
import io.sluice.core.topology.EndpointCategorizer;
import io.sluice.nftables.model.Chain;
import io.sluice.nftables.model.DataType;
import io.sluice.nftables.model.Element;
import io.sluice.nftables.model.Field;
import io.sluice.nftables.model.IpPort;
import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.NftNames;
import io.sluice.nftables.model.NftSet;
import io.sluice.nftables.model.Operation;
import io.sluice.nftables.model.Rule;
import io.sluice.nftables.model.Statement;
import io.sluice.nftables.model.Table;
import io.sluice.nftables.model.Value;
import io.sluice.nftables.model.Verb;
import io.sluice.nftables.model.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pure renderer: snapshot → the desired {@code kube-proxy} table of one family, exactly as kube-proxy's nftables mode
 * (the 2026 line, v1.36 layout: inline masquerade marks, {@code hairpin-connections}, one {@code numgen … map} DNAT rule
 * per service chain, endpoint chains only for session affinity) writes it: pkg/proxy/nftables/proxier.go
 * {@code setupNFTables} and {@code syncProxyRules}.
 *
 * <p>Deterministic: services in snapshot order, endpoints by {@code ip:port} string, elements sorted by key. A
 * service port whose derived names are not valid nftables identifiers is skipped with one log line and
 * {@code sluice_invalid_objects_total}; nothing else is affected. Thread-safe (stateless apart from its options).
 */
public final class NftablesRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(NftablesRenderer.class);

    // Fixed chains (proxier.go constants).
    public static final String FILTER_PREROUTING_PRE_DNAT = "filter-prerouting-pre-dnat";
    public static final String FILTER_OUTPUT_PRE_DNAT = "filter-output-pre-dnat";
    public static final String FILTER_INPUT = "filter-input";
    public static final String FILTER_FORWARD = "filter-forward";
    public static final String FILTER_OUTPUT = "filter-output";
    public static final String NAT_PREROUTING = "nat-prerouting";
    public static final String NAT_OUTPUT = "nat-output";
    public static final String NAT_POSTROUTING = "nat-postrouting";
    public static final String NODEPORT_ENDPOINTS_CHECK = "nodeport-endpoints-check";
    public static final String SERVICE_ENDPOINTS_CHECK = "service-endpoints-check";
    public static final String FIREWALL_CHECK = "firewall-check";
    public static final String SERVICES = "services";
    public static final String MASQUERADING = "masquerading";
    public static final String CLUSTER_IPS_CHECK = "cluster-ips-check";
    public static final String REJECT_CHAIN = "reject-chain";
    // Sets and maps.
    public static final String CLUSTER_IPS = "cluster-ips";
    public static final String NODEPORT_IPS = "nodeport-ips";
    public static final String HAIRPIN = "hairpin-connections";
    public static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
    public static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
    public static final String FIREWALL_IPS = "firewall-ips";
    public static final String SERVICE_IPS = "service-ips";
    public static final String SERVICE_NODEPORTS = "service-nodeports";

    /** nftablesBaseChains, in order. */
    public static final List<Chain> BASE_CHAINS = List.of(
            base(FILTER_PREROUTING_PRE_DNAT, Chain.Type.FILTER, Chain.Hook.PREROUTING, -110),
            base(FILTER_OUTPUT_PRE_DNAT, Chain.Type.FILTER, Chain.Hook.OUTPUT, -110),
            base(FILTER_INPUT, Chain.Type.FILTER, Chain.Hook.INPUT, 0),
            base(FILTER_FORWARD, Chain.Type.FILTER, Chain.Hook.FORWARD, 0),
            base(FILTER_OUTPUT, Chain.Type.FILTER, Chain.Hook.OUTPUT, 0),
            base(NAT_PREROUTING, Chain.Type.NAT, Chain.Hook.PREROUTING, -100),
            base(NAT_OUTPUT, Chain.Type.NAT, Chain.Hook.OUTPUT, -100),
            base(NAT_POSTROUTING, Chain.Type.NAT, Chain.Hook.POSTROUTING, 100));

    /** nftablesJumpChains: destination, source, whether only {@code ct state new} packets jump. */
    private record Jump(String dst, String src, boolean newOnly) {
    }

    private static final List<Jump> JUMPS = List.of(
            new Jump(NODEPORT_ENDPOINTS_CHECK, FILTER_INPUT, true),
            new Jump(SERVICE_ENDPOINTS_CHECK, FILTER_INPUT, true),
            new Jump(SERVICE_ENDPOINTS_CHECK, FILTER_FORWARD, true),
            new Jump(SERVICE_ENDPOINTS_CHECK, FILTER_OUTPUT, true),
            new Jump(FIREWALL_CHECK, FILTER_PREROUTING_PRE_DNAT, true),
            new Jump(FIREWALL_CHECK, FILTER_OUTPUT_PRE_DNAT, true),
            new Jump(SERVICES, NAT_OUTPUT, false),
            new Jump(SERVICES, NAT_PREROUTING, false),
            new Jump(MASQUERADING, NAT_POSTROUTING, false),
            new Jump(CLUSTER_IPS_CHECK, FILTER_FORWARD, true),
            new Jump(CLUSTER_IPS_CHECK, FILTER_OUTPUT, true));

    private static final List<Field> ADDR_PROTO_PORT = List.of(Field.DADDR, Field.L4PROTO, Field.DPORT);
    private static final List<Field> PROTO_PORT = List.of(Field.L4PROTO, Field.DPORT);

    private final NftablesRenderOptions options;
    private final BackendMetrics metrics;

    public NftablesRenderer(NftablesRenderOptions options, BackendMetrics metrics) {
        this.options = options;
        this.metrics = metrics == null ? BackendMetrics.NOOP : metrics;
    }

    public NftablesRenderOptions options() {
        return options;
    }

    private static Chain base(String name, Chain.Type type, Chain.Hook hook, int priority) {
        return new Chain(name, new Chain.Base(type, hook, priority), null);
    }

    /** Renders the table for {@code snapshot}. */
    public RenderedTable render(ProxySnapshot snapshot) {
        NftFamily family = options.family();
        NodeAddresses addrs = NodeAddresses.of(family.ipFamily(), options.nodePortAddresses(), snapshot.node());
        List<Operation> setup = setup(snapshot, addrs);
        Builder b = new Builder();
        for (ServicePort sp : snapshot.services().values()) {
            if (sp.clusterIP(family.ipFamily()) == null) {
                continue; // not a service of this family's proxier
            }
            b.begin();
            try {
                servicePort(b, sp.forFamily(family.ipFamily()), snapshot, addrs);
            } catch (IllegalArgumentException e) {
                // Defence in depth: the source layer validates names and addresses; anything that still cannot be
                // written safely affects only this service port.
                LOG.warn("Skipping service port {}: {}", NftNames.printable(sp.name().toString()), e.getMessage());
                metrics.invalidObject("Service", sp.name().service().toString(), "nftables-name");
                b.rollback();
            }
        }
        return new RenderedTable(family, setup, b.chains, b.affinitySets, b.elements, b.noLocalInternal,
                b.noLocalExternal);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // setupNFTables

    private List<Operation> setup(ProxySnapshot snapshot, NodeAddresses addrs) {
        NftFamily f = options.family();
        List<Operation> ops = new ArrayList<>();
        ops.add(add(new Table("rules for kube-proxy")));
        for (Chain c : BASE_CHAINS) {
            ops.add(add(c));
            ops.add(new Operation(Verb.FLUSH, Chain.regular(c.name())));
        }
        Set<String> created = new LinkedHashSet<>();
        for (Jump j : JUMPS) {
            if (created.add(j.dst())) {
                ops.add(add(Chain.regular(j.dst())));
                ops.add(new Operation(Verb.FLUSH, Chain.regular(j.dst())));
            }
            List<Statement> st = new ArrayList<>();
            if (j.newOnly()) {
                st.add(new Statement.CtMatch(Statement.CtCondition.STATE_NEW));
            }
            st.add(new Statement.VerdictStatement(Verdict.jump(j.dst())));
            ops.add(add(new Rule(j.src(), st, null)));
        }
        DataType addr = DataType.addr(f);
        ops.add(add(NftSet.set(HAIRPIN, List.of(addr, addr, DataType.INET_PROTO, DataType.INET_SERVICE),
                "service hairpin connections")));
        ops.add(add(new Rule(MASQUERADING, List.of(new Statement.MarkIsSet(options.mark()),
                new Statement.MarkSet(options.mark(), true), new Statement.Masquerade(true)), null)));
        ops.add(add(new Rule(MASQUERADING, List.of(new Statement.CtMatch(Statement.CtCondition.STATUS_DNAT),
                new Statement.SetLookup(List.of(Field.SADDR, Field.DADDR, Field.L4PROTO, Field.DPORT), false, HAIRPIN),
                new Statement.Masquerade(true)), null)));
        ops.add(add(NftSet.set(CLUSTER_IPS, List.of(addr), "Active ClusterIPs")));
        ops.add(add(new Rule(CLUSTER_IPS_CHECK, List.of(new Statement.SetLookup(List.of(Field.DADDR), false, CLUSTER_IPS),
                new Statement.Reject()), "Reject traffic to invalid ports of ClusterIPs")));
        List<Value> cidrs = new ArrayList<>();
        for (String c : snapshot.serviceCIDRs()) {
            Cidr cidr = Cidr.parse(c).orElse(null);
            if (cidr != null && cidr.family() == f.ipFamily()) {
                cidrs.add(new Value.Prefix(cidr.toString()));
            }
        }
        if (!cidrs.isEmpty()) {
            ops.add(add(new Rule(CLUSTER_IPS_CHECK, List.of(new Statement.AnonymousSetMatch(Field.DADDR, false, cidrs, true),
                    new Statement.VerdictStatement(Verdict.DROP)), "Drop traffic to unallocated ClusterIPs")));
        }
        NftSet nodePortIPs = NftSet.set(NODEPORT_IPS, List.of(addr), "IPs that accept NodePort traffic");
        ops.add(add(nodePortIPs));
        if (addrs.matchAll()) {
            ops.add(new Operation(Verb.DELETE, nodePortIPs));
        } else {
            ops.add(new Operation(Verb.FLUSH, nodePortIPs));
            for (String ip : addrs.nodePortIPs()) {
                ops.add(add(Element.of(NODEPORT_IPS, new Value.Addr(ip))));
            }
        }
        ops.add(add(NftSet.verdictMap(NO_ENDPOINT_SERVICES, List.of(addr, DataType.INET_PROTO, DataType.INET_SERVICE),
                "vmap to drop or reject packets to services with no endpoints")));
        ops.add(add(NftSet.verdictMap(NO_ENDPOINT_NODEPORTS, List.of(DataType.INET_PROTO, DataType.INET_SERVICE),
                "vmap to drop or reject packets to service nodeports with no endpoints")));
        ops.add(add(new Chain(REJECT_CHAIN, null, "helper for @no-endpoint-services / @no-endpoint-nodeports")));
        ops.add(new Operation(Verb.FLUSH, Chain.regular(REJECT_CHAIN)));
        ops.add(add(Rule.of(REJECT_CHAIN, new Statement.Reject())));
        ops.add(add(Rule.of(SERVICE_ENDPOINTS_CHECK, new Statement.VmapLookup(ADDR_PROTO_PORT, NO_ENDPOINT_SERVICES))));
        ops.add(add(new Rule(NODEPORT_ENDPOINTS_CHECK, List.of(nodePortDestination(addrs, false),
                new Statement.VmapLookup(PROTO_PORT, NO_ENDPOINT_NODEPORTS)), null)));
        ops.add(add(NftSet.verdictMap(FIREWALL_IPS, List.of(addr, DataType.INET_PROTO, DataType.INET_SERVICE),
                "destinations that are subject to LoadBalancerSourceRanges")));
        ops.add(add(Rule.of(FIREWALL_CHECK, new Statement.VmapLookup(ADDR_PROTO_PORT, FIREWALL_IPS))));
        ops.add(add(NftSet.verdictMap(SERVICE_IPS, List.of(addr, DataType.INET_PROTO, DataType.INET_SERVICE),
                "ClusterIP, ExternalIP and LoadBalancer IP traffic")));
        ops.add(add(NftSet.verdictMap(SERVICE_NODEPORTS, List.of(DataType.INET_PROTO, DataType.INET_SERVICE),
                "NodePort traffic")));
        Statement clusterIP = new Statement.SetLookup(List.of(Field.DADDR), false, CLUSTER_IPS);
        Statement markMasq = new Statement.MarkSet(options.mark(), false);
        if (options.masqueradeAll()) {
            ops.add(add(new Rule(SERVICES, List.of(clusterIP, markMasq), "masquerade all clusterIP traffic")));
        } else if (options.localTraffic().implemented()) {
            ops.add(add(new Rule(SERVICES, List.of(clusterIP, options.localTraffic().ifNotLocal().orElseThrow(), markMasq),
                    "masquerade clusterIP traffic from outside cluster")));
        }
        ops.add(add(Rule.of(SERVICES, new Statement.VmapLookup(ADDR_PROTO_PORT, SERVICE_IPS))));
        List<Statement> np = new ArrayList<>();
        if (addrs.matchAll()) {
            np.add(new Statement.FibLocal(Field.DADDR));
        }
        np.add(nodePortDestination(addrs, true));
        np.add(new Statement.VmapLookup(PROTO_PORT, SERVICE_NODEPORTS));
        ops.add(add(new Rule(SERVICES, np, null)));
        return ops;
    }

    /** {@code ip daddr @nodeport-ips}, or {@code ip daddr != 127.0.0.0/8} when every local address takes NodePorts. */
    private Statement nodePortDestination(NodeAddresses addrs, boolean unused) {
        NftFamily f = options.family();
        return addrs.matchAll()
                ? new Statement.Compare(Field.DADDR, true, Value.addrOrPrefix(f.loopback()))
                : new Statement.SetLookup(List.of(Field.DADDR), false, NODEPORT_IPS);
    }

    private static Operation add(io.sluice.nftables.model.NftObject o) {
        return new Operation(Verb.ADD, o);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // syncProxyRules, per service port

    private void servicePort(Builder b, ServicePort svc, ProxySnapshot snapshot, NodeAddresses addrs) {
        NftFamily f = options.family();
        IpFamily ipf = f.ipFamily();
        ServicePortName spn = svc.name();
        NamespacedName owner = spn.service();
        String nameBase = NftChainNames.servicePortChainNameBase(spn);
        String clusterChain = name(NftChainNames.SERVICE + nameBase);
        String localChain = name(NftChainNames.LOCAL + nameBase);
        String externalChain = name(NftChainNames.EXTERNAL + nameBase);
        String firewallChain = name(NftChainNames.FIREWALL + nameBase);
        Value.Proto proto = new Value.Proto(spn.protocol());
        Value.Port port = new Value.Port(svc.port());
        String comment = NftNames.comment(spn.toString());
        boolean affinity = svc.affinity().isClientIP();

        List<Endpoint> eps = snapshot.endpointsOf(spn).stream().filter(e -> e.family() == ipf).toList();
        CategorizedEndpoints cat = EndpointCategorizer.categorize(eps, svc, options.nodeName(), snapshot.node().zone());
        boolean hasEndpoints = cat.hasAnyEndpoints();

        // A. endpoint chains (affinity only) and hairpin elements.
        for (Endpoint ep : cat.allReachable()) {
            if (ep.isLocal(options.nodeName())) {
                Value.Addr a = new Value.Addr(ep.ip());
                b.element(owner, Element.of(HAIRPIN, a, a, proto, new Value.Port(ep.port())));
            }
        }
        // B. policy chains and verdicts.
        boolean usesCluster = !cat.cluster().isEmpty() && svc.usesClusterEndpoints();
        boolean usesLocal = !cat.local().isEmpty() && svc.usesLocalEndpoints();
        String internalChain = svc.internalPolicyLocal() ? localChain : clusterChain;
        boolean hasInternal = hasEndpoints && !(svc.internalPolicyLocal() && cat.local().isEmpty());
        String externalPolicyChain = svc.externalPolicyLocal() ? localChain : clusterChain;
        boolean hasExternal = hasEndpoints && !(svc.externalPolicyLocal() && cat.local().isEmpty());
        boolean usesExternal = hasEndpoints && svc.externallyAccessible();
        Verdict internalVerdict = Verdict.goTo(REJECT_CHAIN);
        Verdict externalVerdict = Verdict.goTo(REJECT_CHAIN);
        if (hasEndpoints) {
            if (!hasInternal) {
                internalVerdict = Verdict.DROP;
                b.noLocalInternal++;
            }
            if (!hasExternal) {
                externalVerdict = Verdict.DROP;
                b.noLocalExternal++;
            }
        }
        // C. cluster IP.
        Value.Addr clusterIP = new Value.Addr(svc.clusterIP(ipf));
        b.element(owner, Element.of(CLUSTER_IPS, clusterIP));
        if (hasInternal) {
            b.element(owner, Element.mapping(SERVICE_IPS, List.of(clusterIP, proto, port), Verdict.goTo(internalChain)));
        } else {
            b.element(owner, new Element(NO_ENDPOINT_SERVICES, List.of(clusterIP, proto, port), comment, internalVerdict));
        }
        // D. external IPs.
        for (String eip : svc.externalIPs()) {
            List<Value> key = List.of(new Value.Addr(eip), proto, port);
            if (hasEndpoints) {
                b.element(owner, Element.mapping(SERVICE_IPS, key, Verdict.goTo(externalChain)));
            }
            if (!hasExternal) {
                b.element(owner, new Element(NO_ENDPOINT_SERVICES, key, comment, externalVerdict));
            }
        }
        // E. load-balancer IPs and source ranges.
        boolean usesFirewall = !svc.loadBalancerIPs().isEmpty() && !svc.loadBalancerSourceRanges().isEmpty();
        for (String lb : svc.loadBalancerIPs()) {
            List<Value> key = List.of(new Value.Addr(lb), proto, port);
            if (hasEndpoints) {
                b.element(owner, Element.mapping(SERVICE_IPS, key, Verdict.goTo(externalChain)));
            }
            if (usesFirewall) {
                b.element(owner, Element.mapping(FIREWALL_IPS, key, Verdict.goTo(firewallChain)));
            }
        }
        if (!hasExternal) {
            for (String lb : svc.loadBalancerIPs()) {
                b.element(owner, new Element(NO_ENDPOINT_SERVICES, List.of(new Value.Addr(lb), proto, port), comment,
                        externalVerdict));
            }
        }
        // F. node port (health-check node ports get no rules in this mode, as upstream).
        if (svc.nodePort() != 0) {
            List<Value> key = List.of(proto, new Value.Port(svc.nodePort()));
            if (hasEndpoints) {
                b.element(owner, Element.mapping(SERVICE_NODEPORTS, key, Verdict.goTo(externalChain)));
            }
            if (!hasExternal) {
                b.element(owner, new Element(NO_ENDPOINT_NODEPORTS, key, comment, externalVerdict));
            }
        }

        // H. external chain.
        if (usesExternal) {
            List<Rule> rules = new ArrayList<>();
            Statement markMasq = new Statement.MarkSet(options.mark(), false);
            if (!svc.externalPolicyLocal()) {
                rules.add(new Rule(externalChain, List.of(markMasq), "masquerade"));
            } else {
                if (usesCluster && options.localTraffic().implemented()) {
                    rules.add(new Rule(externalChain, List.of(options.localTraffic().ifLocal().orElseThrow(),
                            new Statement.VerdictStatement(Verdict.goTo(clusterChain))), "short-circuit pod traffic"));
                }
                Statement fibLocal = new Statement.FibLocal(Field.SADDR);
                rules.add(new Rule(externalChain, List.of(fibLocal, markMasq), "masquerade local traffic"));
                if (usesCluster) {
                    rules.add(new Rule(externalChain, List.of(fibLocal,
                            new Statement.VerdictStatement(Verdict.goTo(clusterChain))), "short-circuit local traffic"));
                }
            }
            if (hasExternal) {
                rules.add(Rule.of(externalChain, new Statement.VerdictStatement(Verdict.goTo(externalPolicyChain))));
            }
            b.chain(externalChain, owner, rules);
        }
        // I. firewall chain.
        if (usesFirewall) {
            List<Value> allowed = new ArrayList<>();
            boolean nodeInside = false;
            for (String r : svc.loadBalancerSourceRanges()) {
                allowed.add(new Value.Prefix(r));
                Cidr c = Cidr.parse(r).orElseThrow();
                nodeInside |= addrs.nodeIP() != null && c.contains(addrs.nodeIP());
            }
            if (nodeInside) {
                // Traffic from the node itself to its own LB VIPs must not be dropped (proxier.go).
                for (String lb : svc.loadBalancerIPs()) {
                    allowed.add(new Value.Addr(lb));
                }
            }
            b.chain(firewallChain, owner, List.of(new Rule(firewallChain, List.of(
                    new Statement.AnonymousSetMatch(Field.SADDR, true, allowed, false),
                    new Statement.VerdictStatement(Verdict.DROP)), null)));
        }
        // J+K. affinity sets, endpoint chains and service chains.
        if (affinity) {
            for (Endpoint ep : cat.allReachable()) {
                String epBase = NftChainNames.endpointChainNameBase(spn, ep.ip(), ep.port());
                String set = name(NftChainNames.AFFINITY + epBase);
                String chain = name(NftChainNames.ENDPOINT + epBase);
                b.affinitySet(set, new RenderedTable.AffinitySet(owner, new NftSet(set, List.of(DataType.addr(f)),
                        null, Set.of(NftSet.Flag.DYNAMIC, NftSet.Flag.TIMEOUT),
                        Duration.ofSeconds(svc.affinity().timeoutSeconds()), null)));
                b.chain(chain, owner, List.of(
                        Rule.of(chain, new Statement.SetUpdate(set, Field.SADDR)),
                        Rule.of(chain, new Statement.Compare(Field.L4PROTO, false, proto),
                                new Statement.DnatTo(IpPort.of(ep.ip(), ep.port())))));
            }
        }
        if (usesCluster) {
            b.chain(clusterChain, owner, dispatch(clusterChain, spn, proto, cat.cluster(), affinity));
        }
        if (usesLocal) {
            b.chain(localChain, owner, dispatch(localChain, spn, proto, cat.local(), affinity));
        }
    }

    /** writeServiceToEndpointDNATs / writeServiceToEndpointJumps. */
    private List<Rule> dispatch(String chain, ServicePortName spn, Value.Proto proto, List<Endpoint> eps,
                                boolean affinity) {
        if (!affinity) {
            List<IpPort> targets = eps.stream().map(e -> IpPort.of(e.ip(), e.port())).toList();
            return List.of(Rule.of(chain, new Statement.Compare(Field.L4PROTO, false, proto),
                    new Statement.DnatNumgenMap(targets)));
        }
        List<Rule> rules = new ArrayList<>();
        List<Verdict> gotos = new ArrayList<>();
        for (Endpoint ep : eps) {
            String epBase = NftChainNames.endpointChainNameBase(spn, ep.ip(), ep.port());
            Verdict go = Verdict.goTo(name(NftChainNames.ENDPOINT + epBase));
            rules.add(Rule.of(chain, new Statement.SetLookup(List.of(Field.SADDR), false,
                    name(NftChainNames.AFFINITY + epBase)), new Statement.VerdictStatement(go)));
            gotos.add(go);
        }
        rules.add(Rule.of(chain, new Statement.NumgenVmap(gotos)));
        return rules;
    }

    private static String name(String n) {
        return NftNames.name(n);
    }

    /** Collects one render's objects; a failing service port is rolled back. Not thread-safe. */
    private static final class Builder {
        final SortedMap<String, RenderedTable.ServiceChain> chains = new TreeMap<>();
        final SortedMap<String, RenderedTable.AffinitySet> affinitySets = new TreeMap<>();
        final SortedMap<String, SortedMap<String, Element>> elements = new TreeMap<>();
        /** What the service port being rendered added, to undo on failure. */
        private final List<Element> pendingElements = new ArrayList<>();
        private final List<String> pendingChains = new ArrayList<>();
        private final List<String> pendingSets = new ArrayList<>();
        int noLocalInternal;
        int noLocalExternal;

        Builder() {
            for (String s : RenderedTable.ELEMENT_STORAGES) {
                elements.put(s, new TreeMap<>());
            }
        }

        void begin() {
            pendingElements.clear();
            pendingChains.clear();
            pendingSets.clear();
        }

        void element(NamespacedName owner, Element e) {
            // kube-proxy's ensureElem: one element per key; the first writer wins (e.g. a shared hairpin endpoint).
            if (elements.get(e.set()).putIfAbsent(e.keyText(), e) == null) {
                pendingElements.add(e);
            }
        }

        void chain(String name, NamespacedName owner, List<Rule> rules) {
            chains.put(name, new RenderedTable.ServiceChain(owner, rules));
            pendingChains.add(name);
        }

        void affinitySet(String name, RenderedTable.AffinitySet set) {
            affinitySets.put(name, set);
            pendingSets.add(name);
        }

        /** Removes everything the failed service port added. */
        void rollback() {
            for (Element e : pendingElements) {
                elements.get(e.set()).remove(e.keyText());
            }
            pendingChains.forEach(chains::remove);
            pendingSets.forEach(affinitySets::remove);
            begin();
        }
    }
}
