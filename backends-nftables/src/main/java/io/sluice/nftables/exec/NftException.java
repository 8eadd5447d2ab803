package io.sluice.nftables.exec;

/** An {@code nft} invocation that failed; for a transaction, nothing of it was applied. */
public class NftException extends Exception {
    public NftException(String message) {
        super(message);
    }
}
