package io.sluice.iptables.render;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The output of one {@link IptablesRenderer#render} call.
 *
 * @param payload                  the complete {@code iptables-restore --noflush} input: {@code *filter ... COMMIT}
 *                                 then {@code *nat ... COMMIT}
 * @param activeNatChains          every service chain this sync uses (sorted), including those of services a
 *                                 partial sync did not rewrite (what the nat table should hold afterwards,
 *                                 besides the top-level chains)
 * @param filterRules              lines written to the filter rules (kube-proxy's {@code filterRules.Lines()})
 * @param natRules                 nat rule lines written, including {@code -X} lines
 * @param skippedNatRules          nat rule lines of services a partial sync did not rewrite
 * @param deletedChains            stale chains deleted ({@code -X} lines)
 * @param noLocalEndpointsInternal services with iTP=Local and endpoints, but none local
 * @param noLocalEndpointsExternal services with eTP=Local and endpoints, but none local
 * @param skippedServicePorts      service ports left out because a value failed validation (sorted)
 */
public record RenderedRules(String payload, Set<String> activeNatChains, long filterRules, long natRules,
                            long skippedNatRules, long deletedChains, long noLocalEndpointsInternal,
                            long noLocalEndpointsExternal, List<SkippedServicePort> skippedServicePorts) {

    public RenderedRules {
        activeNatChains = Collections.unmodifiableSortedSet(new TreeSet<>(activeNatChains));
        skippedServicePorts = List.copyOf(skippedServicePorts);
    }

    public RenderedRules(String payload, Set<String> activeNatChains, long filterRules, long natRules,
                         long skippedNatRules, long deletedChains, long noLocalEndpointsInternal,
                         long noLocalEndpointsExternal) {
        this(payload, activeNatChains, filterRules, natRules, skippedNatRules, deletedChains,
                noLocalEndpointsInternal, noLocalEndpointsExternal, List.of());
    }

    /** {@code sync_proxy_rules_iptables_total{table="nat"}}. */
    public long natTotal() {
        return natRules + skippedNatRules - deletedChains;
    }

    /** {@code sync_proxy_rules_iptables_last{table="nat"}}. */
    public long natLast() {
        return natRules - deletedChains;
    }
}
