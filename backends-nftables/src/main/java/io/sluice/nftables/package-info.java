/**
 * kube-proxy's nftables mode: {@link io.sluice.nftables.NftablesBackend} renders with
 * {@link io.sluice.nftables.render.NftablesRenderer} (pure), plans transactions with
 * {@link io.sluice.nftables.sync.SyncPlanner} (pure, diffing against an in-memory record of what was committed) and
 * applies them through {@link io.sluice.nftables.exec.Nft} ({@code nft -f -}). The transaction model is in
 * {@link io.sluice.nftables.model}.
 */
package io.sluice.nftables;
