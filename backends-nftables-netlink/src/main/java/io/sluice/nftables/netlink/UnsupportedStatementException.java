package io.sluice.nftables.netlink;

/**
 * A statement or operation the netlink compiler has no nf_tables encoding for (e.g. {@code iif veth*}: nft itself
 * cannot turn a wildcard into an interface index). The applier falls back to {@code nft -f} for that transaction.
 */
public class UnsupportedStatementException extends RuntimeException {
    public UnsupportedStatementException(String message) {
        super(message);
    }
}
