package io.sluice.iptables.render;

import io.sluice.core.model.IpFamily;

import java.util.List;

/**
 * The jump rules kube-proxy installs on full syncs ({@code iptablesJumpChains} + {@code iptablesKubeletJumpChains},
 * kube-proxy pkg/proxy/iptables/proxier.go iptablesJumpChains), in upstream order. Each is ensured with {@code EnsureChain(table, to)} and then
 * {@code EnsureRule(Prepend, table, from, args)}. The table is the same for both families.
 */
public final class JumpRules {
    private static final List<String> CT_NEW = List.of("-m", "conntrack", "--ctstate", "NEW");
    private static final String EXTERNAL_PORTALS = "kubernetes externally-visible service portals";
    private static final String PORTALS = "kubernetes service portals";
    private static final String LB_FIREWALL = "kubernetes load balancer firewall";

    private static final List<JumpRule> RULES = List.of(
            new JumpRule("filter", "INPUT", ChainNames.KUBE_EXTERNAL_SERVICES, CT_NEW, EXTERNAL_PORTALS),
            new JumpRule("filter", "FORWARD", ChainNames.KUBE_EXTERNAL_SERVICES, CT_NEW, EXTERNAL_PORTALS),
            new JumpRule("filter", "INPUT", ChainNames.KUBE_NODEPORTS, List.of(),
                    "kubernetes health check service ports"),
            new JumpRule("filter", "FORWARD", ChainNames.KUBE_SERVICES, CT_NEW, PORTALS),
            new JumpRule("filter", "OUTPUT", ChainNames.KUBE_SERVICES, CT_NEW, PORTALS),
            new JumpRule("filter", "FORWARD", ChainNames.KUBE_FORWARD, List.of(), "kubernetes forwarding rules"),
            new JumpRule("filter", "INPUT", ChainNames.KUBE_PROXY_FIREWALL, CT_NEW, LB_FIREWALL),
            new JumpRule("filter", "OUTPUT", ChainNames.KUBE_PROXY_FIREWALL, CT_NEW, LB_FIREWALL),
            new JumpRule("filter", "FORWARD", ChainNames.KUBE_PROXY_FIREWALL, CT_NEW, LB_FIREWALL),
            new JumpRule("nat", "OUTPUT", ChainNames.KUBE_SERVICES, List.of(), PORTALS),
            new JumpRule("nat", "PREROUTING", ChainNames.KUBE_SERVICES, List.of(), PORTALS),
            new JumpRule("nat", "POSTROUTING", ChainNames.KUBE_POSTROUTING, List.of(), "kubernetes postrouting rules"),
            // iptablesKubeletJumpChains: kubelet owns these too; cleanup leaves them to kubelet where it is present.
            new JumpRule("filter", "INPUT", ChainNames.KUBE_FIREWALL, List.of(), ""),
            new JumpRule("filter", "OUTPUT", ChainNames.KUBE_FIREWALL, List.of(), ""));

    private JumpRules() {
    }

    /** Every jump rule, in upstream order (identical for IPv4 and IPv6). */
    public static List<JumpRule> forFamily(IpFamily family) {
        return RULES;
    }

    /**
     * True for the kubelet-shared KUBE-FIREWALL jumps, which {@code sluice cleanup} deletes only when kubelet does not
     * manage iptables on the node.
     */
    public static boolean isKubeletShared(JumpRule rule) {
        return rule.toChain().equals(ChainNames.KUBE_FIREWALL);
    }
}
