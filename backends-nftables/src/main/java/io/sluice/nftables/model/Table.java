package io.sluice.nftables.model;

/** The transaction's table ({@code add table ip kube-proxy { comment "rules for kube-proxy" ; }}). */
public record Table(String comment) implements NftObject {
    public Table {
        comment = NftNames.comment(comment);
    }
}
