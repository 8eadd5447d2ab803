/**
 * The nftables transaction model: what Sluice sends to the kernel, as data. A {@link io.sluice.nftables.model.Transaction}
 * is an ordered list of {@link io.sluice.nftables.model.Operation}s (verb + object) on one table; objects are
 * {@link io.sluice.nftables.model.Table}, {@link io.sluice.nftables.model.Chain}, {@link io.sluice.nftables.model.Rule}
 * (a list of typed {@link io.sluice.nftables.model.Statement}s, never free text), {@link io.sluice.nftables.model.NftSet}
 * (sets and maps) and {@link io.sluice.nftables.model.Element}. {@link io.sluice.nftables.model.NftText} renders a
 * transaction to the text {@code nft -f} reads, the way sigs.k8s.io/knftables writes it (transaction.go, objects.go),
 * so that it matches kube-proxy's nftables mode line for line.
 *
 * <p>Every record validates its fields on construction (names, comments, addresses, ports): a value that could change
 * the meaning of the text (quotes, newlines, braces, spaces in names) is rejected with
 * {@link java.lang.IllegalArgumentException} before it can reach {@code nft}. Records are immutable and thread-safe.
 * A netlink applier can consume the same records: statements are a closed (sealed) set of shapes.
 */
package io.sluice.nftables.model;
