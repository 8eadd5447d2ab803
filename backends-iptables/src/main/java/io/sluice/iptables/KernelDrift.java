package io.sluice.iptables;

import io.sluice.iptables.render.JumpRule;
import io.sluice.iptables.render.TopLevelChains;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds what someone else removed from a table Sluice wrote: a declared chain (a top-level chain, a service chain or
 * the canary) that is gone, a top-level chain that lost rules (fewer than the last successful restore wrote: flushed
 * or edited), or a jump from a built-in chain that is gone. Pure; the backend turns a non-empty answer into
 * a full sync, which writes every chain again and re-ensures the jumps.
 *
 * <p>Why this exists: kube-proxy rewrites every top-level chain on every sync, so its next partial restore fails on
 * the missing chains and forces a full sync ({@code pkg/proxy/iptables/proxier.go} syncProxyRules). Sluice's partial
 * syncs leave unchanged top-level chains out ({@link io.sluice.iptables.render.TopLevelRewrite#WHEN_CHANGED}), so
 * they would succeed against a flushed table and repair nothing. Not detected: a service chain flushed but not
 * deleted (the hourly full sync rewrites it).
 */
final class KernelDrift {

    private KernelDrift() {
    }

    /** One kind of drift with an example, for the log line and {@code sluice_repairs_total{what}}. */
    record Drift(String what, String example) {
    }

    /**
     * @param table         "nat" or "filter"
     * @param saved         the table as {@code iptables-save} shows it now (before this sync's restore)
     * @param lastTopLevel  the top-level chains as the last successful restore left them
     * @param serviceChains service chains that must already exist (those the sync uses but does not declare itself)
     * @param canary        the canary chain name when this table should hold one, else null
     * @param jumps         the jump rules from built-in chains of this table
     * @return each kind of drift once ("chain", "rules", "jump", "canary"), sorted by kind; empty when none
     */
    static List<Drift> find(String table, SavedTable saved, TopLevelChains lastTopLevel,
                            Collection<String> serviceChains, String canary, List<JumpRule> jumps) {
        TreeMap<String, String> found = new TreeMap<>();
        String prefix = table + "/";
        lastTopLevel.chains().forEach((key, rules) -> {
            if (!key.startsWith(prefix)) {
                return;
            }
            String chain = key.substring(prefix.length());
            if (!saved.chains().contains(chain)) {
                found.putIfAbsent("chain", chain);
            } else if (saved.rules(chain) < rules.size()) {
                // Fewer only: kubelet may append its own rules to the chains it shares with the proxy
                // (KUBE-FIREWALL, and KUBE-MARK-MASQ / KUBE-POSTROUTING on older kubelets); that is not drift.
                found.putIfAbsent("rules", chain + " has " + saved.rules(chain) + " rules, wrote " + rules.size());
            }
        });
        for (String chain : serviceChains) {
            if (!saved.chains().contains(chain)) {
                found.putIfAbsent("chain", chain);
                break;
            }
        }
        if (canary != null && !saved.chains().contains(canary)) {
            found.putIfAbsent("canary", canary);
        }
        for (JumpRule j : jumps) {
            if (j.table().equals(table) && !saved.jumps().contains(j.fromChain() + ">" + j.toChain())) {
                found.putIfAbsent("jump", j.fromChain() + " -> " + j.toChain());
            }
        }
        return found.entrySet().stream().map(e -> new Drift(e.getKey(), e.getValue())).toList();
    }

    /** Top-level chain names of {@code table} in {@code lastTopLevel} (the chains whose rules are counted). */
    static Set<String> topLevelChainsOf(String table, TopLevelChains lastTopLevel) {
        String prefix = table + "/";
        return lastTopLevel.chains().keySet().stream().filter(k -> k.startsWith(prefix))
                .map(k -> k.substring(prefix.length())).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
