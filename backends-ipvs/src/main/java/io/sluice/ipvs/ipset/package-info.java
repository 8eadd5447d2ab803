/**
 * kube-proxy's IPVS-mode ipsets: names (with the {@code KUBE-6-} IPv6 variants), types, comments, entry formats and
 * strict entry validation, and the {@code ipset} CLI behind the {@link io.sluice.ipvs.ipset.Ipset} interface.
 */
package io.sluice.ipvs.ipset;
