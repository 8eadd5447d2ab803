/**
 * The iptables side of kube-proxy's IPVS mode: the pure payload renderer, the chains and jump rules, and the
 * {@code iptables-restore} / {@code iptables -C/-I/-D} appliers.
 */
package io.sluice.ipvs.rules;
