package io.sluice.nftables.model;

/** Something a transaction operation acts on. */
public sealed interface NftObject permits Table, Chain, Rule, NftSet, Element {
}
