package io.sluice.ipvs.rules;

import java.util.List;

/**
 * Chains and jump rules of kube-proxy's IPVS mode ({@code pkg/proxy/ipvs/proxier.go}: {@code iptablesChains},
 * {@code iptablesJumpChain}, {@code iptablesCleanupChains}).
 */
public final class IpvsChains {
    public static final String NAT = "nat";
    public static final String FILTER = "filter";

    public static final String SERVICES = "KUBE-SERVICES";
    public static final String POSTROUTING = "KUBE-POSTROUTING";
    public static final String NODE_PORT = "KUBE-NODE-PORT";
    public static final String LOAD_BALANCER = "KUBE-LOAD-BALANCER";
    public static final String MARK_MASQ = "KUBE-MARK-MASQ";
    public static final String FORWARD = "KUBE-FORWARD";
    public static final String PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
    public static final String SOURCE_RANGES_FIREWALL = "KUBE-SOURCE-RANGES-FIREWALL";
    public static final String IPVS_FILTER = "KUBE-IPVS-FILTER";
    public static final String IPVS_OUT_FILTER = "KUBE-IPVS-OUT-FILTER";

    /** A chain of one table. */
    public record TableChain(String table, String chain) {
    }

    /** {@code -I <from> -t <table> -m comment --comment <comment> -j <to>}. */
    public record Jump(String table, String from, String to, String comment) {
        /** The rule arguments after the chain, as one argv list (the comment is one element, unquoted). */
        public List<String> ruleArgs() {
            return List.of("-m", "comment", "--comment", comment, "-j", to);
        }
    }

    /** Declared in every payload, in upstream's order (nat first, then filter). */
    public static final List<TableChain> CHAINS = List.of(
            new TableChain(NAT, SERVICES),
            new TableChain(NAT, POSTROUTING),
            new TableChain(NAT, NODE_PORT),
            new TableChain(NAT, LOAD_BALANCER),
            new TableChain(NAT, MARK_MASQ),
            new TableChain(FILTER, FORWARD),
            new TableChain(FILTER, NODE_PORT),
            new TableChain(FILTER, PROXY_FIREWALL),
            new TableChain(FILTER, SOURCE_RANGES_FIREWALL),
            new TableChain(FILTER, IPVS_FILTER),
            new TableChain(FILTER, IPVS_OUT_FILTER));

    /** Jumps from the built-in chains, ensured with {@code -C}/{@code -I} (prepend), in upstream's order. */
    public static final List<Jump> JUMPS = List.of(
            new Jump(NAT, "OUTPUT", SERVICES, "kubernetes service portals"),
            new Jump(NAT, "PREROUTING", SERVICES, "kubernetes service portals"),
            new Jump(NAT, "POSTROUTING", POSTROUTING, "kubernetes postrouting rules"),
            new Jump(FILTER, "FORWARD", FORWARD, "kubernetes forwarding rules"),
            new Jump(FILTER, "INPUT", NODE_PORT, "kubernetes health check rules"),
            new Jump(FILTER, "INPUT", PROXY_FIREWALL, "kube-proxy firewall rules"),
            new Jump(FILTER, "FORWARD", PROXY_FIREWALL, "kube-proxy firewall rules"),
            new Jump(FILTER, "INPUT", IPVS_FILTER, "kubernetes ipvs access filter"),
            new Jump(FILTER, "OUTPUT", IPVS_OUT_FILTER, "kubernetes ipvs access filter"));

    private IpvsChains() {
    }
}
