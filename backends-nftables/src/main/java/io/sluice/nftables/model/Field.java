package io.sluice.nftables.model;

/** A packet field a rule reads. Address fields take the table's family ({@code ip saddr} / {@code ip6 saddr}). */
public enum Field {
    SADDR, DADDR, L4PROTO, DPORT, IIF;

    public String text(NftFamily family) {
        return switch (this) {
            case SADDR -> family.keyword() + " saddr";
            case DADDR -> family.keyword() + " daddr";
            case L4PROTO -> "meta l4proto";
            case DPORT -> "th dport";
            case IIF -> "iif";
        };
    }
}
