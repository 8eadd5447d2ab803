package io.sluice.iptables.render;

import io.sluice.core.model.IpFamily;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What kube-proxy's {@code --cleanup} removes (pkg/proxy/iptables/proxier.go {@code CleanupLeftovers}), for {@code sluice cleanup}:
 * <ol>
 *   <li>the jump rules of {@link #jumpRulesToDelete(IpFamily)} (every {@link JumpRules} entry except the kubelet-shared
 *       KUBE-FIREWALL jumps);</li>
 *   <li>per table, flush and delete {@link #natChains()} plus every nat {@link ChainNames#isServiceChain service chain}
 *       found by {@code iptables-save -t nat}, and {@link #filterChains()}, in one
 *       {@code iptables-restore -T <table> --noflush --counters} each ({@link #restorePayload});</li>
 *   <li>finally {@code iptables -X KUBE-PROXY-CANARY -t mangle}.</li>
 * </ol>
 * kube-proxy leaves KUBE-FIREWALL in place because kubelet owns it too; Sluice's cleanup removes it only when no
 * kubelet manages iptables on the node and the chain holds nothing but Sluice's rule (see IptablesCleanup).
 */
public final class CleanupRules {
    /** nat chains removed besides the service chains. */
    public static final List<String> NAT_CHAINS = List.of(ChainNames.KUBE_SERVICES, ChainNames.KUBE_NODEPORTS,
            ChainNames.KUBE_POSTROUTING, ChainNames.KUBE_MARK_MASQ, ChainNames.KUBE_PROXY_CANARY);
    /** filter chains removed. */
    public static final List<String> FILTER_CHAINS = List.of(ChainNames.KUBE_SERVICES,
            ChainNames.KUBE_EXTERNAL_SERVICES, ChainNames.KUBE_FORWARD, ChainNames.KUBE_NODEPORTS,
            ChainNames.KUBE_PROXY_FIREWALL, ChainNames.KUBE_PROXY_CANARY);
    /** The canary chain deleted with a plain {@code iptables -X} in the mangle table. */
    public static final String MANGLE_CANARY = ChainNames.KUBE_PROXY_CANARY;

    private CleanupRules() {
    }

    public static List<String> natChains() {
        return NAT_CHAINS;
    }

    public static List<String> filterChains() {
        return FILTER_CHAINS;
    }

    /** The jump rules to delete (with {@code -D}), in upstream order. */
    public static List<JumpRule> jumpRulesToDelete(IpFamily family) {
        return JumpRules.forFamily(family).stream().filter(r -> !JumpRules.isKubeletShared(r)).toList();
    }

    /**
     * The nat chains to remove given the chains {@code iptables-save -t nat} listed: {@link #NAT_CHAINS} that
     * exist plus every existing service chain, sorted.
     */
    public static Set<String> natChainsToRemove(Set<String> existingNatChains) {
        Set<String> out = new TreeSet<>();
        for (String c : existingNatChains) {
            if (NAT_CHAINS.contains(c) || ChainNames.isServiceChain(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The filter chains to remove given the existing filter chains, sorted. */
    public static Set<String> filterChainsToRemove(Set<String> existingFilterChains) {
        Set<String> out = new TreeSet<>();
        for (String c : existingFilterChains) {
            if (FILTER_CHAINS.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The {@code iptables-restore -T <table> --noflush --counters} input that flushes and deletes {@code chains}:
     * {@code *table}, a {@code :CHAIN - [0:0]} line per chain (flush), a {@code -X CHAIN} line per chain,
     * {@code COMMIT}.
     */
    public static String restorePayload(String table, Set<String> chains) {
        StringBuilder sb = new StringBuilder("*").append(table).append('\n');
        for (String c : chains) {
            sb.append(':').append(c).append(" - [0:0]\n");
        }
        for (String c : chains) {
            sb.append("-X ").append(c).append('\n');
        }
        return sb.append("COMMIT\n").toString();
    }
}
