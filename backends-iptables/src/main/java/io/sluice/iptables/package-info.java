/**
 * The iptables backend: {@link io.sluice.iptables.IptablesBackend} applies what the pure renderer
 * ({@code io.sluice.iptables.render}) produces, through the tools in {@code io.sluice.iptables.exec}, the way
 * kube-proxy's iptables proxier does (jump rules and canaries on full syncs, one {@code iptables-restore --noflush
 * --counters} per sync, partial syncs, stale chain deletion, UDP conntrack cleanup, {@code --cleanup}).
 * {@link io.sluice.iptables.IptablesBackendProvider} registers it as {@code --backend iptables}.
 */
package io.sluice.iptables;
