/**
 * The IPVS backend: kube-proxy's IPVS mode.
 *
 * <p>Pipeline, pure parts first: {@link io.sluice.ipvs.IpvsPlanner} turns a snapshot (plus configuration and
 * {@link io.sluice.ipvs.HostFacts}) into a {@link io.sluice.ipvs.DesiredIpvsState} per family;
 * {@link io.sluice.ipvs.IpvsReconciler} diffs it against what it observed in the kernel into an ordered list of
 * {@link io.sluice.ipvs.IpvsOperation}s and applies them through the small kernel interfaces
 * ({@link io.sluice.ipvs.IpvsClient}, {@link io.sluice.ipvs.DummyLink}, {@link io.sluice.ipvs.ipset.Ipset},
 * {@link io.sluice.ipvs.rules.IptablesRestore}); {@link io.sluice.ipvs.GracefulTerminationManager} drains removed
 * real servers. {@link io.sluice.ipvs.IpvsBackend#render} prints the operations a sync onto an empty kernel would
 * apply. The netlink implementations live in {@code io.sluice.ipvs.netlink} and are loaded by name
 * ({@link io.sluice.ipvs.KernelIpvs}).
 */
package io.sluice.ipvs;
