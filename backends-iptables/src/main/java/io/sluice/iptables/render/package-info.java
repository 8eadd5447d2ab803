/**
 * The pure iptables renderer: {@link io.sluice.core.model.ProxySnapshot} → the {@code iptables-restore --noflush}
 * payload kube-proxy's iptables proxier would write, byte for byte (facts from kubernetes/kubernetes
 * {@code pkg/proxy/iptables/proxier.go} {@code syncProxyRules} at 531be81208e2, checked against upstream's
 * {@code TestOverallIPTablesRules} and {@code TestSyncProxyRulesRepeated} vectors). No processes, no clock, no kernel:
 * the applier ({@code io.sluice.iptables.exec}) runs the payload and the {@link io.sluice.iptables.render.JumpRules}.
 *
 * <h2>Rule layout</h2>
 * <pre>
 *  PREROUTING/OUTPUT (nat) ──► KUBE-SERVICES ──► per service port, per VIP:
 *      cluster IP      ─► KUBE-SVC-X (Cluster policy) or KUBE-SVL-X (iTP=Local)
 *      external IP     ─► KUBE-EXT-X
 *      LB IP           ─► KUBE-EXT-X, or KUBE-FW-X with loadBalancerSourceRanges
 *      last rule       ─► KUBE-NODEPORTS (-m addrtype --dst-type LOCAL, or -d &lt;node IP&gt; per
 *                         nodePortAddresses)
 *  KUBE-NODEPORTS      ─► KUBE-EXT-X per node port (+ a 127.0.0.0/8 nfacct-counted twin for localhost node ports)
 *  KUBE-EXT-X          eTP=Cluster: mark for masquerade, ─► KUBE-SVC-X
 *                      eTP=Local:   pod traffic ─► KUBE-SVC-X; host traffic: mark + ─► KUBE-SVC-X;
 *                                   else ─► KUBE-SVL-X
 *  KUBE-FW-X           allowed source ranges (and the LB IPs when the node IP is in a range) ─► KUBE-EXT-X;
 *                      a final rule without target: the rest is dropped by filter KUBE-PROXY-FIREWALL
 *  KUBE-SVC-X/SVL-X    masquerade off-cluster sources (iTP chain only), [-m recent affinity checks],
 *                      -m statistic --probability 1/(N-i) ─► KUBE-SEP-Y … last endpoint unconditionally
 *  KUBE-SEP-Y          hairpin masquerade (-s endpoint), DNAT --to-destination ip:port [-m recent --set]
 *  POSTROUTING (nat) ──► KUBE-POSTROUTING: MASQUERADE packets carrying the mark set by KUBE-MARK-MASQ
 *  filter: KUBE-SERVICES / KUBE-EXTERNAL-SERVICES (REJECT without endpoints, DROP without local endpoints),
 *          KUBE-NODEPORTS (health-check node ports), KUBE-FORWARD (ctstate INVALID drop, marked and established
 *          traffic accepted), KUBE-PROXY-FIREWALL (LB source ranges), KUBE-FIREWALL (route_localnet martians)
 * </pre>
 * Chain names are {@code KUBE-<kind>-} + the first 16 base32 characters of SHA-256 of
 * {@code "ns/name:port" + "tcp"[+ "ip:port"]} ({@link io.sluice.iptables.render.ChainNames}), so Sluice and kube-proxy
 * can replace each other on a node without leaving stale chains.
 *
 * <h2>Payload order and determinism</h2>
 * {@code *filter}, chain lines, rules, {@code COMMIT}, {@code *nat}, chain lines, rules, {@code COMMIT}. Fixed
 * header rules first, then every service port in {@code ProxySnapshot} order (sorted {@code ServicePortName}) with
 * upstream's order inside a port (pkg/proxy/iptables/proxier.go syncProxyRules, per service port), then stale chains ({@code :C} + {@code -X C}, sorted),
 * then the node-ports tail rule and KUBE-FORWARD. Upstream iterates Go maps and is random; Sluice is sorted, and its
 * output equals upstream's after upstream's own test normaliser ({@code sortIPTablesRules}).
 *
 * <h2>Partial syncs</h2>
 * As kube-proxy's MinimizeIPTablesRestore: per-service chains are written only on full syncs or for services whose
 * Service or endpoints changed; the lines of the others are only counted ({@code skippedNatRules}) so the
 * {@code iptables_total} metric stays exact. Chains of skipped services stay in {@code activeNatChains}, so only
 * chains of deleted or changed services are deleted. The top-level chains follow
 * {@link io.sluice.iptables.render.TopLevelRewrite}: {@code ALWAYS} rewrites the whole filter table and the nat chains
 * KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING and KUBE-MARK-MASQ on every sync (kube-proxy parity);
 * {@code WHEN_CHANGED} writes, on partial syncs, only those whose rules differ from
 * {@link io.sluice.iptables.render.RenderRequest#previousTopLevel()} (the caller's record of the last successful
 * restore), and leaves out a table with nothing to write. The lines of the chains it writes keep the order they have
 * in an {@code ALWAYS} payload, so a full sync is byte-identical in both modes.
 *
 * <h2>Cost of a render</h2>
 * Per-port rules are memoised (see {@link io.sluice.iptables.render.IptablesRenderer}): a render after a small
 * change renders only the changed ports, then assembles the top-level chains from the memoised lines (string
 * references, compared by identity first), which is linear in the number of services but cheap.
 *
 * <h2>Safety</h2>
 * Every value placed in a line (names in comments, addresses, CIDRs, interface names, the mark) matches a strict
 * whitelist; a service port with a bad value is left out whole and reported in
 * {@link io.sluice.iptables.render.RenderedRules#skippedServicePorts()}, so a payload is never half-written and
 * never mis-parsed by iptables-restore.
 */
package io.sluice.iptables.render;
