package io.sluice.nftables.exec;

import io.sluice.nftables.model.NftFamily;
import io.sluice.nftables.model.Transaction;

/**
 * The kernel's nftables as the backend uses it. The real implementation is {@link ProcessNft} ({@code nft -f -});
 * tests use an in-memory fake. Implementations are used from the sync thread only.
 */
public interface Nft {

    /** Applies {@code tx} atomically: all of it or, on failure (thrown), none of it. An empty transaction is a no-op. */
    void apply(Transaction tx) throws NftException;

    /** {@code nft --check}: parses and validates {@code tx} against the current ruleset without applying it. */
    void check(Transaction tx) throws NftException;

    /** The chain and set names of {@code family table}; {@link TableNames#ABSENT} when the table does not exist. */
    TableNames listNames(NftFamily family, String table) throws NftException;

    /** Deletes {@code family table} with everything in it; false when it did not exist. */
    boolean deleteTable(NftFamily family, String table) throws NftException;
}
