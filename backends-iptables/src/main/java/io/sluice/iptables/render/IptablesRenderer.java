package io.sluice.iptables.render;

import io.sluice.core.model.Cidr;
import io.sluice.core.model.Endpoint;
import io.sluice.core.model.IpFamily;
import io.sluice.core.model.ServicePort;
import io.sluice.core.model.ServicePortName;
import io.sluice.core.model.ProxySnapshot;
import io.sluice.core.topology.CategorizedEndpoints;
import io.sluice.core.topology.EndpointCategorizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sluice.iptables.render.ChainNames.KUBE_EXTERNAL_SERVICES;
import static io.sluice.iptables.render.ChainNames.KUBE_FIREWALL;
import static io.sluice.iptables.render.ChainNames.KUBE_FORWARD;
import static io.sluice.iptables.render.ChainNames.KUBE_MARK_MASQ;
import static io.sluice.iptables.render.ChainNames.KUBE_NODEPORTS;
import static io.sluice.iptables.render.ChainNames.KUBE_POSTROUTING;
import static io.sluice.iptables.render.ChainNames.KUBE_PROXY_FIREWALL;
import static io.sluice.iptables.render.ChainNames.KUBE_SERVICES;

/**
 * Renders a {@link ProxySnapshot} into the iptables-restore payload kube-proxy's iptables proxier writes
 * ({@code pkg/proxy/iptables/proxier.go syncProxyRules}), line for line: same chains, hashed names, rule text,
 * comments and probabilities (pkg/proxy/iptables/proxier.go syncProxyRules). See the package documentation for the layout.
 *
 * <p>Ordering: service ports in snapshot order (sorted by {@link ServicePortName}), upstream's order within a service
 * port, stale chains sorted. The same snapshot, options and request always give a byte-identical payload.
 *
 * <p>Pure: no process, no clock, and the output depends only on the snapshot, the options and the request (the
 * previous top-level chains travel in {@link RenderRequest#previousTopLevel()}, never in the renderer). The one piece
 * of state is a cache: each service port's rules are memoised with the inputs that determine them (its
 * {@link ServicePort}, its endpoints of the family, the node's zone, large-cluster mode; the node name and other
 * options are fixed per renderer), so a render only renders ports whose inputs changed and then assembles the
 * top-level chains; the output is byte-identical to a fresh renderer's ({@code RenderReuseProperties}). The memo
 * holds one entry per current port (about the size of one full payload). {@code render} may be called from any
 * thread; concurrent renders stay correct (an entry is used only when its inputs match). A service port with a
 * value that fails the argument whitelist is left out whole and listed in
 * {@link RenderedRules#skippedServicePorts()}; render never throws for bad snapshot content.
 */
public final class IptablesRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesRenderer.class);
    /** upstream {@code largeClusterEndpointsThreshold}: above it, SEP and SVC→SEP rules carry no comment. */
    static final int LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;
    static final String NFACCT_CT_STATE_INVALID = "ct_state_invalid_dropped_pkts";
    static final String NFACCT_LOCALHOST_NODEPORTS = "localhost_nps_accepted_pkts";

    private final RenderOptions o;
    private final io.sluice.core.node.NodePortAddresses nodePortAddresses;
    private final boolean localhostNodePorts;
    private final boolean ipv6;
    /**
     * Per-port rules of the last render, reused while a port's inputs are unchanged (a cache: the output never
     * depends on it). Replaced as a whole after each render; concurrent renders stay correct because an entry is
     * only reused when its recorded inputs equal the current ones.
     */
    private volatile Map<ServicePortName, PortRules> memo = Map.of();

    public IptablesRenderer(RenderOptions options) {
        this.o = options;
        this.ipv6 = options.family() == IpFamily.IPv6;
        this.nodePortAddresses = new io.sluice.core.node.NodePortAddresses(options.family(), options.nodePortAddresses(),
                options.primaryNodeIP());
        // upstream NewProxier: "localhostNodePorts" is forced off when nodePortAddresses has no IPv4 loopback.
        boolean lnp = options.localhostNodePorts();
        if (lnp && !nodePortAddresses.containsIPv4Loopback()) {
            LOG.info("nodePortAddresses has no IPv4 loopback: localhost node ports disabled");
            lnp = false;
        }
        this.localhostNodePorts = lnp;
    }

    /** Whether node ports answer on 127.0.0.1 (needs {@code net.ipv4.conf.all.route_localnet=1}). */
    public boolean localhostNodePortsEnabled() {
        return localhostNodePorts && !ipv6;
    }

    public RenderOptions options() {
        return o;
    }

    /** One port of the family with its endpoints. */
    private record Port(ServicePortName name, ServicePort sp, List<Endpoint> rawEndpoints, List<Endpoint> endpoints) {
    }

    public RenderedRules render(ProxySnapshot snapshot, RenderRequest request) {
        IpFamily family = o.family();
        String mark = o.masqueradeMark();
        String zone = snapshot.node().zone();
        TopLines headFilter = new TopLines("filter");
        TopLines headNat = new TopLines("nat");
        TopLines tailFilter = new TopLines("filter");
        TopLines tailNat = new TopLines("nat");

        // Masquerade only marked packets, clearing the mark so a re-traversal does not masquerade twice.
        headNat.write("-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", mark + "/" + mark, "-j", "RETURN");
        headNat.write("-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark);
        headNat.write("-A", KUBE_POSTROUTING, "-m", "comment", "--comment",
                quote("kubernetes service traffic requiring SNAT"), "-j", "MASQUERADE",
                o.randomFully() ? List.of("--random-fully") : List.of());
        headNat.write("-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark);
        if (localhostNodePortsEnabled()) {
            // route_localnet lets 127.0.0.0/8 be routed; drop martians that are not our DNAT'ed node-port traffic.
            headFilter.write("-A", KUBE_FIREWALL, "-m", "comment", "--comment",
                    quote("block incoming localnet connections"), "-d", "127.0.0.0/8", "!", "-s", "127.0.0.0/8",
                    "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "DROP");
        }

        // Validation and endpoint counts; validation results are reused while a port's values are unchanged.
        Map<ServicePortName, PortRules> previous = memo;
        List<Port> ports = new ArrayList<>();
        List<SkippedServicePort> skipped = new ArrayList<>();
        Map<ServicePortName, PortRules> next = new HashMap<>(snapshot.services().size() * 2);
        long totalEndpoints = 0;
        for (Map.Entry<ServicePortName, ServicePort> e : snapshot.services().entrySet()) {
            ServicePort sp = e.getValue().forFamily(family);
            if (sp.clusterIP(family) == null) {
                continue; // not a service of this family: the other family's proxier handles it
            }
            List<Endpoint> raw = snapshot.endpointsOf(e.getKey());
            PortRules old = previous.get(e.getKey());
            List<Endpoint> eps = old != null && (old.rawEndpoints() == raw || old.rawEndpoints().equals(raw))
                    ? old.endpoints() : raw.stream().filter(ep -> ep.ip() != null && IpFamily.of(ep.ip()) == family)
                    .toList();
            String bad = old != null && old.sameValues(sp, eps) ? old.bad() : SafeValues.check(sp, eps, family);
            if (bad != null) {
                LOG.error("Skipping service port {}: {}", SafeValues.escape(e.getKey().toString()), bad);
                skipped.add(new SkippedServicePort(e.getKey(), bad));
                next.put(e.getKey(), old != null && old.sameValues(sp, eps) ? old
                        : PortRules.skipped(sp, raw, eps, bad));
                continue;
            }
            ports.add(new Port(e.getKey(), sp, raw, eps));
            totalEndpoints += eps.size();
        }
        boolean largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

        // Per-port rules: rendered only when an input changed, otherwise reused as they were (byte-identical).
        List<PortRules> rendered = new ArrayList<>(ports.size());
        List<Boolean> writes = new ArrayList<>(ports.size());
        long noLocalInternal = 0;
        long noLocalExternal = 0;
        for (Port p : ports) {
            PortRules old = previous.get(p.name());
            PortRules pr = old != null && old.reusableFor(p.sp(), p.endpoints(), zone, largeClusterMode) ? old
                    : new PortRenderer(p.name(), p.sp(), EndpointCategorizer.categorize(p.endpoints(), p.sp(),
                    o.nodeName(), zone), largeClusterMode).render(p.rawEndpoints(), p.endpoints(), zone);
            next.put(p.name(), pr);
            rendered.add(pr);
            writes.add(request.fullSync() || request.changedServices().contains(p.name().service()));
            noLocalInternal += pr.noLocalInternal() ? 1 : 0;
            noLocalExternal += pr.noLocalExternal() ? 1 : 0;
        }
        memo = next;
        Set<String> active = new ActiveChains(rendered);

        writeNodePortsJump(tailNat);
        if (!o.conntrackTcpBeLiberal()) {
            // Drop INVALID packets that conntrack could not map; they would escape DNAT (kubernetes#74839).
            tailFilter.write("-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID",
                    o.nfacctCtStateInvalid() ? List.of("-m", "nfacct", "--nfacct-name", NFACCT_CT_STATE_INVALID)
                            : List.of(), "-j", "DROP");
        }
        tailFilter.write("-A", KUBE_FORWARD, "-m", "comment", "--comment", quote("kubernetes forwarding rules"),
                "-m", "mark", "--mark", mark + "/" + mark, "-j", "ACCEPT");
        tailFilter.write("-A", KUBE_FORWARD, "-m", "comment", "--comment",
                quote("kubernetes forwarding conntrack rule"), "-m", "conntrack", "--ctstate",
                "RELATED,ESTABLISHED", "-j", "ACCEPT");

        // What each declared top-level chain holds after this sync, and which of them this payload writes.
        EnumMap<TopChain, List<String>> top = new EnumMap<>(TopChain.class);
        for (TopChain c : TopChain.ALL) {
            if (c != TopChain.FILTER_FIREWALL || localhostNodePortsEnabled()) {
                top.put(c, new ArrayList<>());
            }
        }
        collect(top, headFilter.lines());
        collect(top, headNat.lines());
        for (PortRules pr : rendered) {
            collect(top, pr.filter());
            collect(top, pr.nat());
        }
        collect(top, tailFilter.lines());
        collect(top, tailNat.lines());
        EnumSet<TopChain> written = EnumSet.noneOf(TopChain.class);
        Map<String, List<String>> after = new HashMap<>();
        long filterWritten = 0;
        long filterSkipped = 0;
        long natTopWritten = 0;
        long natTopSkipped = 0;
        for (Map.Entry<TopChain, List<String>> e : top.entrySet()) {
            TopChain c = e.getKey();
            after.put(c.key(), e.getValue());
            boolean write = request.writesAllTopLevel()
                    || !e.getValue().equals(request.previousTopLevel().rules(c.table, c.chain));
            long n = e.getValue().size();
            if (write) {
                written.add(c);
            }
            if (c.filter()) {
                filterWritten += write ? n : 0;
                filterSkipped += write ? 0 : n;
            } else {
                natTopWritten += write ? n : 0;
                natTopSkipped += write ? 0 : n;
            }
        }

        // filter: declarations and rules of the written chains, in upstream's order.
        RestorePayload.Builder filter = new RestorePayload.Builder();
        for (TopChain c : written) {
            if (c.filter()) {
                filter.append(chainLine(c.chain)).append('\n');
            }
        }
        RestorePayload.Builder filterRules = new RestorePayload.Builder();
        append(filterRules, headFilter.lines(), written);
        for (PortRules pr : rendered) {
            append(filterRules, pr.filter(), written);
        }
        append(filterRules, tailFilter.lines(), written);

        // nat: written top-level chains, then the chains of written services, then stale chains.
        RestorePayload.Builder natChains = new RestorePayload.Builder();
        for (TopChain c : written) {
            if (!c.filter()) {
                natChains.append(chainLine(c.chain)).append('\n');
            }
        }
        RestorePayload.Builder natRules = new RestorePayload.Builder();
        append(natRules, headNat.lines(), written);
        long serviceWritten = 0;
        long serviceSkipped = 0;
        for (int i = 0; i < rendered.size(); i++) {
            PortRules pr = rendered.get(i);
            append(natRules, pr.nat(), written);
            if (writes.get(i)) {
                // Referenced, not copied: the memo already holds these strings.
                natChains.appendShared(pr.chainDecls());
                natRules.appendShared(pr.chainRules());
                serviceWritten += pr.chainRuleCount();
            } else {
                serviceSkipped += pr.chainRuleCount();
            }
        }
        // Stale service chains: declare (flush) and delete those the kernel has but this sync does not use, sorted
        // (only the stale ones are sorted: the kernel's chains can be many).
        List<String> stale = new ArrayList<>();
        for (String chain : request.existingNatChains()) {
            if (ChainNames.isServiceChain(chain) && !active.contains(chain)
                    && SafeValues.WORD.matcher(chain).matches()) {
                stale.add(chain);
            }
        }
        stale.sort(null);
        for (String chain : stale) {
            natChains.append(chainLine(chain)).append('\n');
            natRules.append("-X ").append(chain).append('\n');
        }
        long deleted = stale.size();
        append(natRules, tailNat.lines(), written);

        RestorePayload.Builder payload = new RestorePayload.Builder();
        if (!filter.isEmpty()) {
            payload.append("*filter\n").append(filter).append(filterRules).append("COMMIT\n");
        }
        if (!natChains.isEmpty()) {
            payload.append("*nat\n").append(natChains).append(natRules).append("COMMIT\n");
        }
        return new RenderedRules(payload.build(), active, filterWritten,
                natTopWritten + serviceWritten + deleted, natTopSkipped + serviceSkipped, deleted, noLocalInternal,
                noLocalExternal, skipped, filterSkipped, new TopLevelChains(after));
    }

    private static void collect(Map<TopChain, List<String>> top, List<TopLines.Line> lines) {
        for (TopLines.Line l : lines) {
            top.get(l.chain()).add(l.text());
        }
    }

    private static void append(RestorePayload.Builder sb, List<TopLines.Line> lines, Set<TopChain> written) {
        for (TopLines.Line l : lines) {
            if (written.contains(l.chain())) {
                sb.append(l.text()).append('\n');
            }
        }
    }

    /** syncProxyRules: the last KUBE-SERVICES rule sends local-destination traffic to KUBE-NODEPORTS. */
    private void writeNodePortsJump(TopLines natRules) {
        String comment = quote("kubernetes service nodeports; NOTE: this must be the last rule in this chain");
        if (nodePortAddresses.matchAll()) {
            List<String> dst = new ArrayList<>(List.of("-m", "addrtype", "--dst-type", "LOCAL"));
            if (ipv6) {
                dst.addAll(List.of("!", "-d", "::1/128"));
            } else if (!localhostNodePorts) {
                dst.addAll(List.of("!", "-d", "127.0.0.0/8"));
            }
            natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", comment, dst, "-j", KUBE_NODEPORTS);
            return;
        }
        for (String ip : nodePortAddresses.matchingIPs(o.nodePortCandidateAddresses())) {
            if ((ip.startsWith("127.") || ip.equals("::1")) && (ipv6 || !localhostNodePorts)) {
                continue; // upstream: loopback node ports only for IPv4 with localhost node ports on
            }
            natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", comment, "-d", ip, "-j",
                    KUBE_NODEPORTS);
        }
    }

    static String chainLine(String chain) {
        return ":" + chain + " - [0:0]";
    }

    /** kube-proxy passes multi-word comments with literal double quotes; single words stay bare. */
    static String quote(String comment) {
        return comment.indexOf(' ') >= 0 ? "\"" + comment + "\"" : comment;
    }

    /** The rules of one service port (syncProxyRules' per-service-port loop), rendered once into a {@link PortRules}. Single use. */
    private final class PortRenderer {
        private final ServicePortName spn;
        private final ServicePort sp;
        private final CategorizedEndpoints ce;
        private final boolean largeClusterMode;
        private final String n;
        private final List<String> proto;
        boolean noLocalInternal;
        boolean noLocalExternal;

        PortRenderer(ServicePortName spn, ServicePort sp, CategorizedEndpoints ce, boolean largeClusterMode) {
            this.spn = spn;
            this.sp = sp;
            this.ce = ce;
            this.largeClusterMode = largeClusterMode;
            this.n = spn.toString();
            String pr = spn.protocol().lower();
            this.proto = List.of("-m", pr, "-p", pr);
        }

        PortRules render(List<Endpoint> rawEndpoints, List<Endpoint> endpoints, String zone) {
            TopLines filterRules = new TopLines("filter");
            TopLines topNatRules = new TopLines("nat");
            LineBuffer natChains = LineBuffer.keeping();
            LineBuffer natRules = LineBuffer.keeping();
            List<String> active = new ArrayList<>();
            String clusterIP = sp.clusterIP(o.family());
            String port = Integer.toString(sp.port());
            String svcChain = ChainNames.serviceChain(spn);
            String svlChain = ChainNames.localChain(spn);
            String extChain = ChainNames.externalChain(spn);
            String fwChain = ChainNames.firewallChain(spn);
            boolean hasEndpoints = ce.hasAnyEndpoints();
            boolean usesClusterPolicyChain = !ce.cluster().isEmpty() && sp.usesClusterEndpoints();
            boolean usesLocalPolicyChain = !ce.local().isEmpty() && sp.usesLocalEndpoints();

            String internalTrafficChain = svcChain;
            boolean hasInternal = hasEndpoints;
            if (sp.internalPolicyLocal()) {
                internalTrafficChain = svlChain;
                hasInternal &= !ce.local().isEmpty();
            }
            String externalPolicyChain = svcChain;
            boolean hasExternal = hasEndpoints;
            if (sp.externalPolicyLocal()) {
                externalPolicyChain = svlChain;
                hasExternal &= !ce.local().isEmpty();
            }
            boolean usesExternalTrafficChain = hasEndpoints && sp.externallyAccessible();
            boolean usesFwChain = hasEndpoints && !sp.loadBalancerIPs().isEmpty()
                    && !sp.loadBalancerSourceRanges().isEmpty();
            String loadBalancerTrafficChain = usesFwChain ? fwChain : extChain;

            String internalTarget = "REJECT";
            String internalComment = quote(n + " has no endpoints");
            String externalTarget = "REJECT";
            String externalComment = internalComment;
            if (hasEndpoints) {
                if (!hasInternal) {
                    internalTarget = "DROP";
                    internalComment = quote(n + " has no local endpoints");
                    noLocalInternal = true;
                }
                if (!hasExternal) {
                    externalTarget = "DROP";
                    externalComment = quote(n + " has no local endpoints");
                    noLocalExternal = true;
                }
            }

            // 1. cluster IP
            if (hasInternal) {
                topNatRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", quote(n + " cluster IP"),
                        proto, "-d", clusterIP, "--dport", port, "-j", internalTrafficChain);
            } else {
                filterRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", internalComment, proto,
                        "-d", clusterIP, "--dport", port, "-j", internalTarget);
            }
            // 2. external IPs
            for (String eip : sp.externalIPs()) {
                if (hasEndpoints) {
                    topNatRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", quote(n + " external IP"),
                            proto, "-d", eip, "--dport", port, "-j", extChain);
                }
                if (!hasExternal) {
                    filterRules.write("-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", externalComment,
                            proto, "-d", eip, "--dport", port, "-j", externalTarget);
                }
            }
            // 3. load balancer IPs
            for (String lbip : sp.loadBalancerIPs()) {
                if (hasEndpoints) {
                    topNatRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment",
                            quote(n + " loadbalancer IP"), proto, "-d", lbip, "--dport", port, "-j",
                            loadBalancerTrafficChain);
                }
                if (usesFwChain) {
                    filterRules.write("-A", KUBE_PROXY_FIREWALL, "-m", "comment", "--comment",
                            quote(n + " traffic not accepted by " + fwChain), proto, "-d", lbip, "--dport", port,
                            "-j", "DROP");
                }
            }
            // 4.
            if (!hasExternal) {
                for (String lbip : sp.loadBalancerIPs()) {
                    filterRules.write("-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", externalComment,
                            proto, "-d", lbip, "--dport", port, "-j", externalTarget);
                }
            }
            // 5. node port
            if (sp.nodePort() != 0) {
                String np = Integer.toString(sp.nodePort());
                if (hasEndpoints) {
                    if (localhostNodePortsEnabled() && o.nfacctLocalhostNodePorts()) {
                        topNatRules.write("-A", KUBE_NODEPORTS, "-m", "comment", "--comment", quote(n), proto,
                                "-d", "127.0.0.0/8", "--dport", np, "-m", "nfacct", "--nfacct-name",
                                NFACCT_LOCALHOST_NODEPORTS, "-j", extChain);
                    }
                    topNatRules.write("-A", KUBE_NODEPORTS, "-m", "comment", "--comment", quote(n), proto,
                            "--dport", np, "-j", extChain);
                }
                if (!hasExternal) {
                    filterRules.write("-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", externalComment,
                            "-m", "addrtype", "--dst-type", "LOCAL", proto, "--dport", np, "-j", externalTarget);
                }
            }
            // 6. health check node port (emitted even without local endpoints)
            if (sp.healthCheckNodePort() != 0) {
                filterRules.write("-A", KUBE_NODEPORTS, "-m", "comment", "--comment",
                        quote(n + " health check node port"), "-m", "tcp", "-p", "tcp", "--dport",
                        Integer.toString(sp.healthCheckNodePort()), "-j", "ACCEPT");
            }

            // 7. From here on, the service's own chains: a partial sync that skips this service only counts them.
            // 8. masquerade off-cluster traffic to the cluster IP
            if (hasInternal) {
                List<String> base = List.of("-m", "comment", "--comment", quote(n + " cluster IP"));
                if (o.masqueradeAll()) {
                    natRules.write("-A", internalTrafficChain, base, proto, "-d", clusterIP, "--dport", port,
                            "-j", KUBE_MARK_MASQ);
                } else if (o.localDetector().implemented()) {
                    natRules.write("-A", internalTrafficChain, base, proto, "-d", clusterIP, "--dport", port,
                            o.localDetector().ifNotLocal(), "-j", KUBE_MARK_MASQ);
                }
            }
            // 9. external traffic chain
            if (usesExternalTrafficChain) {
                natChains.write(chainLine(extChain));
                active.add(extChain);
                if (!sp.externalPolicyLocal()) {
                    natRules.write("-A", extChain, "-m", "comment", "--comment",
                            quote("masquerade traffic for " + n + " external destinations"), "-j", KUBE_MARK_MASQ);
                } else {
                    if (o.localDetector().implemented()) {
                        // Pod traffic to an external destination short-circuits to the cluster-wide chain.
                        natRules.write("-A", extChain, "-m", "comment", "--comment",
                                quote("pod traffic for " + n + " external destinations"),
                                o.localDetector().ifLocal(), "-j", svcChain);
                    }
                    natRules.write("-A", extChain, "-m", "comment", "--comment",
                            quote("masquerade LOCAL traffic for " + n + " external destinations"),
                            "-m", "addrtype", "--src-type", "LOCAL", "-j", KUBE_MARK_MASQ);
                    natRules.write("-A", extChain, "-m", "comment", "--comment",
                            quote("route LOCAL traffic for " + n + " external destinations"),
                            "-m", "addrtype", "--src-type", "LOCAL", "-j", svcChain);
                }
                if (hasExternal) {
                    natRules.write("-A", extChain, "-j", externalPolicyChain);
                }
            }
            // 10. load balancer source ranges
            if (usesFwChain) {
                natChains.write(chainLine(fwChain));
                active.add(fwChain);
                List<String> head = List.of("-A", fwChain, "-m", "comment", "--comment",
                        quote(n + " loadbalancer IP"));
                boolean allowFromNode = false;
                String nodeIP = o.primaryNodeIP();
                for (String cidr : sp.loadBalancerSourceRanges()) {
                    natRules.write(head, "-s", cidr, "-j", extChain);
                    if (nodeIP != null && Cidr.parse(cidr).orElseThrow().contains(nodeIP)) {
                        allowFromNode = true;
                    }
                }
                // VIP-like LBs put the LB IP on the node: traffic from the node then has the LB IP as source.
                if (allowFromNode) {
                    for (String lbip : sp.loadBalancerIPs()) {
                        natRules.write(head, "-s", lbip, "-j", extChain);
                    }
                }
                // No target: unmatched traffic falls through and filter KUBE-PROXY-FIREWALL drops it.
                natRules.write("-A", fwChain, "-m", "comment", "--comment",
                        quote("other traffic to " + n + " will be dropped by KUBE-PROXY-FIREWALL"));
            }
            // 11./12. policy chains
            if (usesClusterPolicyChain) {
                natChains.write(chainLine(svcChain));
                active.add(svcChain);
                writeServiceToEndpointRules(natRules, svcChain, ce.cluster());
            }
            if (usesLocalPolicyChain) {
                natChains.write(chainLine(svlChain));
                active.add(svlChain);
                writeServiceToEndpointRules(natRules, svlChain, ce.local());
            }
            // 13. endpoint chains
            for (Endpoint ep : ce.allReachable()) {
                String sep = ChainNames.endpointChain(spn, ep.ipPort());
                natChains.write(chainLine(sep));
                active.add(sep);
                List<String> comment = comment(quote(n));
                natRules.write("-A", sep, comment, "-s", ep.ip(), "-j", KUBE_MARK_MASQ);
                natRules.write("-A", sep, comment,
                        sp.affinity().isClientIP() ? List.of("-m", "recent", "--name", sep, "--set") : List.of(),
                        proto, "-j", "DNAT", "--to-destination", ep.ipPort());
            }
            return new PortRules(sp, rawEndpoints, endpoints, zone, largeClusterMode, null, List.copyOf(filterRules.lines()),
                    List.copyOf(topNatRules.lines()), natChains.text(), natRules.text(), natRules.lines(),
                    List.copyOf(active), noLocalInternal, noLocalExternal);
        }

        private void writeServiceToEndpointRules(LineBuffer natRules, String chain, List<Endpoint> eps) {
            if (sp.affinity().isClientIP()) {
                String seconds = Integer.toString(sp.affinity().timeoutSeconds());
                for (Endpoint ep : eps) {
                    String sep = ChainNames.endpointChain(spn, ep.ipPort());
                    natRules.write("-A", chain, comment(quote(n + " -> " + ep.ipPort())), "-m", "recent",
                            "--name", sep, "--rcheck", "--seconds", seconds, "--reap", "-j", sep);
                }
            }
            int count = eps.size();
            for (int i = 0; i < count; i++) {
                Endpoint ep = eps.get(i);
                String sep = ChainNames.endpointChain(spn, ep.ipPort());
                natRules.write("-A", chain, comment(quote(n + " -> " + ep.ipPort())),
                        i < count - 1 ? List.of("-m", "statistic", "--mode", "random", "--probability",
                                Probabilities.of(count - i)) : List.of(),
                        "-j", sep);
            }
        }

        /** upstream {@code appendServiceCommentLocked}: no per-endpoint comments in large clusters. */
        private List<String> comment(String text) {
            return largeClusterMode ? List.of() : List.of("-m", "comment", "--comment", text);
        }
    }
}
