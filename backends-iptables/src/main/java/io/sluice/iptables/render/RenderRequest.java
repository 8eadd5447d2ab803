package io.sluice.iptables.render;

import io.sluice.core.model.NamespacedName;

import java.util.Objects;
import java.util.Set;

/**
 * What one sync asks of the renderer.
 *
 * @param fullSync          write every service's chains and every top-level chain; otherwise only the chains of
 *                          {@code changedServices} (kube-proxy's MinimizeIPTablesRestore partial sync, pkg/proxy/iptables/proxier.go syncProxyRules)
 *                          and the top-level chains {@code topLevelRewrite} selects
 * @param changedServices   services (any port) whose Service or endpoints changed since the last successful sync;
 *                          ignored on full syncs
 * @param existingNatChains the nat chains the kernel holds now ({@code iptables-save -t nat} chain lines); service
 *                          chains among them that this sync does not use are flushed and deleted. Pass an empty set to
 *                          skip stale-chain deletion (kube-proxy's large-cluster throttling).
 * @param topLevelRewrite   which top-level chains a partial sync writes
 * @param previousTopLevel  {@link RenderedRules#topLevelChains()} of the last successful restore (what the kernel
 *                          holds), or {@link TopLevelChains#NONE}; only read for partial {@code WHEN_CHANGED} syncs
 */
public record RenderRequest(boolean fullSync, Set<NamespacedName> changedServices, Set<String> existingNatChains,
                            TopLevelRewrite topLevelRewrite, TopLevelChains previousTopLevel) {
    public RenderRequest {
        changedServices = Set.copyOf(changedServices);
        existingNatChains = Set.copyOf(existingNatChains);
        Objects.requireNonNull(topLevelRewrite, "topLevelRewrite");
        Objects.requireNonNull(previousTopLevel, "previousTopLevel");
    }

    /** kube-proxy parity: {@link TopLevelRewrite#ALWAYS}. */
    public RenderRequest(boolean fullSync, Set<NamespacedName> changedServices, Set<String> existingNatChains) {
        this(fullSync, changedServices, existingNatChains, TopLevelRewrite.ALWAYS, TopLevelChains.NONE);
    }

    public static RenderRequest full(Set<String> existingNatChains) {
        return new RenderRequest(true, Set.of(), existingNatChains);
    }

    public static RenderRequest partial(Set<NamespacedName> changedServices, Set<String> existingNatChains) {
        return new RenderRequest(false, changedServices, existingNatChains);
    }

    /** This request with top-level chains written as {@code mode} says, relative to {@code previous}. */
    public RenderRequest withTopLevel(TopLevelRewrite mode, TopLevelChains previous) {
        return new RenderRequest(fullSync, changedServices, existingNatChains, mode, previous);
    }

    /** Whether every declared top-level chain is written (full syncs, or {@link TopLevelRewrite#ALWAYS}). */
    boolean writesAllTopLevel() {
        return fullSync || topLevelRewrite == TopLevelRewrite.ALWAYS;
    }
}
