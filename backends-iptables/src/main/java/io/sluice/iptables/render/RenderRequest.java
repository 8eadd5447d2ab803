package io.sluice.iptables.render;

import io.sluice.core.model.NamespacedName;

import java.util.Set;
import java.util.TreeSet;

/**
 * What one sync asks of the renderer.
 *
 * @param fullSync          write every service's chains; otherwise only those of {@code changedServices} (kube-proxy's
 *                          MinimizeIPTablesRestore partial sync, reference §6)
 * @param changedServices   services (any port) whose Service or endpoints changed since the last successful sync;
 *                          ignored on full syncs
 * @param existingNatChains the nat chains the kernel holds now ({@code iptables-save -t nat} chain lines); service
 *                          chains among them that this sync does not use are flushed and deleted. Pass an empty set to
 *                          skip stale-chain deletion (kube-proxy's large-cluster throttling).
 */
public record RenderRequest(boolean fullSync, Set<NamespacedName> changedServices, Set<String> existingNatChains) {
    public RenderRequest {
        changedServices = Set.copyOf(changedServices);
        existingNatChains = Set.copyOf(existingNatChains);
    }

    public static RenderRequest full(Set<String> existingNatChains) {
        return new RenderRequest(true, Set.of(), existingNatChains);
    }

    public static RenderRequest partial(Set<NamespacedName> changedServices, Set<String> existingNatChains) {
        return new RenderRequest(false, changedServices, existingNatChains);
    }

    /** Existing chains in sorted order (the order of the {@code -X} lines). */
    Set<String> sortedExisting() {
        return new TreeSet<>(existingNatChains);
    }
}
