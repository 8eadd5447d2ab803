package io.sluice.iptables.render;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The output of one {@link IptablesRenderer#render} call. Counts follow kube-proxy's metric definitions
 * (pkg/proxy/iptables/proxier.go syncProxyRules) applied to what is written: "written" lines are in the payload,
 * "skipped" lines stay in the kernel untouched
 * (service chains of unchanged services; with {@link TopLevelRewrite#WHEN_CHANGED} also unchanged top-level chains).
 *
 * @param restorePayload           the {@code iptables-restore --noflush} input: {@code *filter ... COMMIT} then
 *                                 {@code *nat ... COMMIT}; with {@code WHEN_CHANGED} a table with nothing to write is
 *                                 left out, so a partial payload may be empty
 * @param activeNatChains          every service chain this sync uses, including those of services a partial sync did
 *                                 not rewrite (what the nat table should hold afterwards, besides the top-level
 *                                 chains); unordered, unmodifiable view of the set passed in (which the caller must
 *                                 not change afterwards)
 * @param filterRules              filter rule lines written (kube-proxy's {@code filterRules.Lines()})
 * @param natRules                 nat rule lines written, including {@code -X} lines
 * @param skippedNatRules          nat rule lines not written (they stay in the kernel as they are)
 * @param deletedChains            stale chains deleted ({@code -X} lines)
 * @param noLocalEndpointsInternal services with iTP=Local and endpoints, but none local
 * @param noLocalEndpointsExternal services with eTP=Local and endpoints, but none local
 * @param skippedServicePorts      service ports left out because a value failed validation (sorted)
 * @param skippedFilterRules       filter rule lines not written (unchanged chains with {@code WHEN_CHANGED})
 * @param topLevelChains           the rules every declared top-level chain holds after this payload is restored; the
 *                                 backend passes it back as {@link RenderRequest#previousTopLevel()} after a
 *                                 successful restore
 */
public record RenderedRules(RestorePayload restorePayload, Set<String> activeNatChains, long filterRules, long natRules,
                            long skippedNatRules, long deletedChains, long noLocalEndpointsInternal,
                            long noLocalEndpointsExternal, List<SkippedServicePort> skippedServicePorts,
                            long skippedFilterRules, TopLevelChains topLevelChains) {

    public RenderedRules {
        // Not copied: the renderer builds a fresh set per render (copying ~10^5 chain names would cost more than a
        // partial render itself).
        activeNatChains = Collections.unmodifiableSet(activeNatChains);
        skippedServicePorts = List.copyOf(skippedServicePorts);
    }

    public RenderedRules(String payload, Set<String> activeNatChains, long filterRules, long natRules,
                         long skippedNatRules, long deletedChains, long noLocalEndpointsInternal,
                         long noLocalEndpointsExternal) {
        this(RestorePayload.of(payload), activeNatChains, filterRules, natRules, skippedNatRules, deletedChains,
                noLocalEndpointsInternal, noLocalEndpointsExternal, List.of(), 0, TopLevelChains.NONE);
    }

    /** The payload as one string (dumps and tests; the sync path streams {@link #restorePayload()}). */
    public String payload() {
        return restorePayload.toString();
    }

    /** {@code sync_proxy_rules_iptables_total{table="filter"}}: rules in kube-proxy's filter chains afterwards. */
    public long filterTotal() {
        return filterRules + skippedFilterRules;
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
