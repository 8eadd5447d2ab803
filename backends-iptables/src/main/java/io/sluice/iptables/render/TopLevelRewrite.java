package io.sluice.iptables.render;

/**
 * Which top-level chains a partial sync writes (the filter chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES,
 * KUBE-FORWARD, KUBE-NODEPORTS, KUBE-PROXY-FIREWALL, KUBE-FIREWALL and the nat chains KUBE-SERVICES, KUBE-NODEPORTS,
 * KUBE-POSTROUTING, KUBE-MARK-MASQ). Full syncs write all of them in both modes.
 */
public enum TopLevelRewrite {
    /**
     * kube-proxy parity (MinimizeIPTablesRestore, pkg/proxy/iptables/proxier.go syncProxyRules): every sync declares and rewrites every top-level
     * chain, so a partial payload grows with the number of services. The conformance vectors expect this.
     */
    ALWAYS,
    /**
     * Sluice's default for the real backend: on a partial sync a top-level chain whose rules equal
     * {@link RenderRequest#previousTopLevel()} (what the last successful sync left in the kernel) is neither declared
     * nor written; {@code iptables-restore --noflush} leaves undeclared chains alone. A table with nothing to write
     * has no section at all, so a partial payload grows with the change, not with the cluster.
     */
    WHEN_CHANGED
}
